/*
 * Preloaded on a GPU host to make NVML answer as Jetson's does: the process
 * queries (nvmlDeviceGetComputeRunningProcesses, _v2, _v3) return
 * NVML_ERROR_NOT_SUPPORTED; every other call goes to the real NVML.
 * PyTorch reaches NVML through dlopen + dlsym, so dlsym is wrapped too.
 * Build: gcc -shared -fPIC -O2 -o libnvml_not_supported.so nvml_not_supported.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>

#define NVML_ERROR_NOT_SUPPORTED 3

static int not_supported(void *device, unsigned int *count, void *infos) {
    (void)device;
    (void)infos;
    if (count) *count = 0;
    return NVML_ERROR_NOT_SUPPORTED;
}

int nvmlDeviceGetComputeRunningProcesses(void *d, unsigned int *c, void *i) { return not_supported(d, c, i); }
int nvmlDeviceGetComputeRunningProcesses_v2(void *d, unsigned int *c, void *i) { return not_supported(d, c, i); }
int nvmlDeviceGetComputeRunningProcesses_v3(void *d, unsigned int *c, void *i) { return not_supported(d, c, i); }

static void *(*real_dlsym)(void *, const char *);

void *dlsym(void *handle, const char *name) {
    if (!real_dlsym) {
        real_dlsym = (void *(*)(void *, const char *))dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
        if (!real_dlsym) real_dlsym = (void *(*)(void *, const char *))dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
        if (!real_dlsym) real_dlsym = (void *(*)(void *, const char *))dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.17");
    }
    if (name && strncmp(name, "nvmlDeviceGetComputeRunningProcesses", 36) == 0) return (void *)not_supported;
    return real_dlsym(handle, name);
}
