"""Every terminal view (Rich) and the one JSON envelope. Views read records and
print them; stages never print."""
