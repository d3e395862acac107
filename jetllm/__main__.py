from jetllm.cli import main

main()
