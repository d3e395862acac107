/*
 * A stand-in for libnvidia-ml.so.1 that plays one machine, for tests on hosts
 * without an NVIDIA GPU. It exports the NVML calls jetllm makes through pynvml
 * and answers from a description file named by $JETLLM_NVML_SHIM_DEVICE:
 *
 *   init = OK | DRIVER_NOT_LOADED | ...      (any name below; default OK)
 *   driver_version = 540.4.0
 *   cuda_driver_version = 12060               (or an error name)
 *   gpu.0.name = Orin (nvgpu)
 *   gpu.0.uuid = GPU-...
 *   gpu.0.compute_capability = 8.7
 *   gpu.0.memory = NOT_SUPPORTED | TOTAL,USED,FREE   (bytes)
 *   gpu.0.processes = NOT_SUPPORTED | PID:BYTES:NAME[,PID:BYTES:NAME...]
 *
 * Lines starting with '#' are comments. Up to 8 GPUs, 16 processes each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
enum {
    NVML_SUCCESS = 0, NVML_ERROR_UNINITIALIZED = 1, NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_NO_PERMISSION = 4, NVML_ERROR_INSUFFICIENT_SIZE = 7,
    NVML_ERROR_DRIVER_NOT_LOADED = 9, NVML_ERROR_LIBRARY_NOT_FOUND = 12,
    NVML_ERROR_GPU_IS_LOST = 15, NVML_ERROR_UNKNOWN = 999
};

typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
/* nvmlProcessInfo_v2_t and _t (v3) share this layout. */
typedef struct {
    unsigned int pid; unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_t;

#define MAX_GPUS 8
#define MAX_PROCS 16
typedef struct {
    char name[96], uuid[96];
    int cc_major, cc_minor;
    int memory_status; nvmlMemory_t memory;
    int processes_status; unsigned int n_procs;
    nvmlProcessInfo_t procs[MAX_PROCS]; char proc_names[MAX_PROCS][64];
} gpu_t;

static int loaded, initialised, init_status, cuda_status, cuda_version, n_gpus;
static char driver_version[80];
static gpu_t gpus[MAX_GPUS];

static const struct { const char *name; int code; } ERRORS[] = {
    {"OK", NVML_SUCCESS}, {"UNINITIALIZED", NVML_ERROR_UNINITIALIZED},
    {"NOT_SUPPORTED", NVML_ERROR_NOT_SUPPORTED}, {"NO_PERMISSION", NVML_ERROR_NO_PERMISSION},
    {"DRIVER_NOT_LOADED", NVML_ERROR_DRIVER_NOT_LOADED},
    {"LIBRARY_NOT_FOUND", NVML_ERROR_LIBRARY_NOT_FOUND}, {"GPU_IS_LOST", NVML_ERROR_GPU_IS_LOST},
    {"UNKNOWN", NVML_ERROR_UNKNOWN},
};

static int error_code(const char *text) {
    for (size_t i = 0; i < sizeof ERRORS / sizeof ERRORS[0]; i++)
        if (strcmp(text, ERRORS[i].name) == 0) return ERRORS[i].code;
    return -1;
}

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t') s++;
    char *end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r')) *--end = 0;
    return s;
}

static void set_gpu(gpu_t *g, const char *field, char *value) {
    if (strcmp(field, "name") == 0) snprintf(g->name, sizeof g->name, "%s", value);
    else if (strcmp(field, "uuid") == 0) snprintf(g->uuid, sizeof g->uuid, "%s", value);
    else if (strcmp(field, "compute_capability") == 0) sscanf(value, "%d.%d", &g->cc_major, &g->cc_minor);
    else if (strcmp(field, "memory") == 0) {
        int code = error_code(value);
        if (code > 0) { g->memory_status = code; return; }
        sscanf(value, "%llu,%llu,%llu", &g->memory.total, &g->memory.used, &g->memory.free);
    } else if (strcmp(field, "processes") == 0) {
        int code = error_code(value);
        if (code > 0) { g->processes_status = code; return; }
        for (char *item = strtok(value, ","); item && g->n_procs < MAX_PROCS; item = strtok(NULL, ",")) {
            unsigned int i = g->n_procs++;
            char name[64] = "";
            sscanf(item, "%u:%llu:%63[^,]", &g->procs[i].pid, &g->procs[i].usedGpuMemory, name);
            snprintf(g->proc_names[i], sizeof g->proc_names[i], "%s", name);
        }
    }
}

static void load(void) {
    if (loaded) return;
    loaded = 1;
    snprintf(driver_version, sizeof driver_version, "%s", "0.0.0");
    const char *path = getenv("JETLLM_NVML_SHIM_DEVICE");
    FILE *file = path ? fopen(path, "r") : NULL;
    if (!file) { init_status = NVML_ERROR_DRIVER_NOT_LOADED; return; }
    char line[1024];
    while (fgets(line, sizeof line, file)) {
        char *text = trim(line), *eq = strchr(text, '=');
        if (*text == '#' || !eq) continue;
        *eq = 0;
        char *key = trim(text), *value = trim(eq + 1);
        if (strcmp(key, "init") == 0) init_status = error_code(value) < 0 ? NVML_ERROR_UNKNOWN : error_code(value);
        else if (strcmp(key, "driver_version") == 0) snprintf(driver_version, sizeof driver_version, "%s", value);
        else if (strcmp(key, "cuda_driver_version") == 0) {
            if (error_code(value) > 0) cuda_status = error_code(value); else cuda_version = atoi(value);
        } else if (strncmp(key, "gpu.", 4) == 0) {
            char *dot = strchr(key + 4, '.');
            int index = atoi(key + 4);
            if (!dot || index < 0 || index >= MAX_GPUS) continue;
            if (index + 1 > n_gpus) n_gpus = index + 1;
            set_gpu(&gpus[index], dot + 1, value);
        }
    }
    fclose(file);
}

static nvmlReturn_t copy_string(char *dst, unsigned int length, const char *src) {
    if (!dst) return NVML_ERROR_INVALID_ARGUMENT;
    if (strlen(src) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
    memcpy(dst, src, strlen(src) + 1);
    return NVML_SUCCESS;
}

static gpu_t *device(void *handle) {
    gpu_t *g = handle;
    return (g >= gpus && g < gpus + n_gpus) ? g : NULL;
}

#define NEED_INIT if (!initialised) return NVML_ERROR_UNINITIALIZED

nvmlReturn_t nvmlInitWithFlags(unsigned int flags) {
    (void)flags;
    load();
    if (init_status != NVML_SUCCESS) return init_status;
    initialised++;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlInit_v2(void) { return nvmlInitWithFlags(0); }
nvmlReturn_t nvmlInit(void) { return nvmlInitWithFlags(0); }
nvmlReturn_t nvmlShutdown(void) { NEED_INIT; initialised--; return NVML_SUCCESS; }

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
    case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
    case NVML_ERROR_NOT_SUPPORTED: return "Not Supported";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    case NVML_ERROR_LIBRARY_NOT_FOUND: return "NVML Shared Library Not Found";
    case NVML_ERROR_GPU_IS_LOST: return "GPU is lost";
    default: return "Unknown Error";
    }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    NEED_INIT;
    return copy_string(version, length, driver_version);
}
nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *version) {
    NEED_INIT;
    if (!version) return NVML_ERROR_INVALID_ARGUMENT;
    if (cuda_status) return cuda_status;
    *version = cuda_version;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *version) {
    NEED_INIT;
    if (!version) return NVML_ERROR_INVALID_ARGUMENT;
    *version = cuda_version ? cuda_version : 12000; /* v1: "a known supported version" */
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    NEED_INIT;
    if (!count) return NVML_ERROR_INVALID_ARGUMENT;
    *count = (unsigned int)n_gpus;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCount(unsigned int *count) { return nvmlDeviceGetCount_v2(count); }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **handle) {
    NEED_INIT;
    if (!handle || index >= (unsigned int)n_gpus) return NVML_ERROR_INVALID_ARGUMENT;
    *handle = &gpus[index];
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetName(void *handle, char *name, unsigned int length) {
    NEED_INIT;
    gpu_t *g = device(handle);
    return g ? copy_string(name, length, g->name) : NVML_ERROR_INVALID_ARGUMENT;
}
nvmlReturn_t nvmlDeviceGetUUID(void *handle, char *uuid, unsigned int length) {
    NEED_INIT;
    gpu_t *g = device(handle);
    return g ? copy_string(uuid, length, g->uuid) : NVML_ERROR_INVALID_ARGUMENT;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(void *handle, nvmlMemory_t *memory) {
    NEED_INIT;
    gpu_t *g = device(handle);
    if (!g || !memory) return NVML_ERROR_INVALID_ARGUMENT;
    if (g->memory_status) return g->memory_status;
    *memory = g->memory;
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(void *handle, int *major, int *minor) {
    NEED_INIT;
    gpu_t *g = device(handle);
    if (!g || !major || !minor) return NVML_ERROR_INVALID_ARGUMENT;
    *major = g->cc_major;
    *minor = g->cc_minor;
    return NVML_SUCCESS;
}

static nvmlReturn_t processes(void *handle, unsigned int *count, nvmlProcessInfo_t *infos) {
    NEED_INIT;
    gpu_t *g = device(handle);
    if (!g || !count) return NVML_ERROR_INVALID_ARGUMENT;
    if (g->processes_status) return g->processes_status;
    if (*count < g->n_procs || (!infos && g->n_procs)) {
        *count = g->n_procs;
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    *count = g->n_procs;
    for (unsigned int i = 0; i < g->n_procs; i++) infos[i] = g->procs[i];
    return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(void *h, unsigned int *c, nvmlProcessInfo_t *p) { return processes(h, c, p); }
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(void *h, unsigned int *c, nvmlProcessInfo_t *p) { return processes(h, c, p); }

nvmlReturn_t nvmlSystemGetProcessName(unsigned int pid, char *name, unsigned int length) {
    NEED_INIT;
    for (int i = 0; i < n_gpus; i++)
        for (unsigned int j = 0; j < gpus[i].n_procs; j++)
            if (gpus[i].procs[j].pid == pid) return copy_string(name, length, gpus[i].proc_names[j]);
    return NVML_ERROR_NOT_SUPPORTED;
}
