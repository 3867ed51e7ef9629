#define _GNU_SOURCE
#include "CMPI.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int rkmpi_silence_stdout(void) {
  fflush(stdout);
  int null = open("/dev/null", O_WRONLY);
  if (null < 0) return -1;
  int rc = dup2(null, STDOUT_FILENO) < 0 ? -1 : 0;
  close(null);
  return rc;
}

uint64_t rkmpi_executable_hash(void) {
  FILE *file = fopen("/proc/self/exe", "rb");
  if (file == NULL) return 0;
  static unsigned char buffer[1 << 16];
  uint64_t hash = 0xcbf29ce484222325ULL;
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, file)) > 0) {
    for (size_t i = 0; i < n; i++) hash = (hash ^ buffer[i]) * 0x100000001b3ULL;
  }
  fclose(file);
  return hash;
}

// MARK: - Open MPI, loaded at run time
// libmpi is opened with dlopen rather than linked, so that a node without Open MPI gets one line
// from riskreport-mpi instead of the dynamic loader's error on every rank. The calls go through
// pointers looked up by name, with Open MPI's ABI (libmpi.so.40: Open MPI 3.0 to 5.x): handles
// such as MPI_COMM_WORLD and MPI_BYTE are the addresses of the library's predefined objects
// (`ompi_mpi_comm_world`, `ompi_mpi_byte`, `ompi_mpi_int64_t`), requests are pointers, and
// MPI_THREAD_FUNNELED is 1. Nothing here includes <mpi.h>, so building needs no MPI at all.

typedef void *Handle;
static struct {
  int (*init_thread)(int *, char ***, int, int *);
  int (*comm_rank)(Handle, int *);
  int (*comm_size)(Handle, int *);
  int (*finalize)(void);
  int (*abort)(Handle, int);
  int (*send)(const void *, int, Handle, int, int, Handle);
  int (*irecv)(void *, int, Handle, int, int, Handle, Handle *);
  int (*test)(Handle *, int *, void *);
  int (*recv)(void *, int, Handle, int, int, Handle, void *);
  int (*library_version)(char *, int *);
  Handle comm_world, byte, int64;
} mpi;

enum { mpi_success = 0, mpi_thread_funneled = 1, mpi_max_library_version_string = 256 };

static char load_error[512];

const char *rkmpi_load(void) {
  const char *path = getenv("RISKREPORT_MPI_LIBRARY");
  if (path == NULL || path[0] == '\0') path = "libmpi.so.40";
  // RTLD_GLOBAL: Open MPI's own plugins, which it opens in turn, resolve libmpi's symbols.
  void *library = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  if (library == NULL) {
    snprintf(load_error, sizeof load_error, "cannot load Open MPI (%s)", dlerror());
    return load_error;
  }
  struct {
    const char *name;
    void **slot;
  } symbols[] = {
      {"MPI_Init_thread", (void **)&mpi.init_thread},
      {"MPI_Comm_rank", (void **)&mpi.comm_rank},
      {"MPI_Comm_size", (void **)&mpi.comm_size},
      {"MPI_Finalize", (void **)&mpi.finalize},
      {"MPI_Abort", (void **)&mpi.abort},
      {"MPI_Send", (void **)&mpi.send},
      {"MPI_Irecv", (void **)&mpi.irecv},
      {"MPI_Test", (void **)&mpi.test},
      {"MPI_Recv", (void **)&mpi.recv},
      {"MPI_Get_library_version", (void **)&mpi.library_version},
      {"ompi_mpi_comm_world", &mpi.comm_world},
      {"ompi_mpi_byte", &mpi.byte},
      {"ompi_mpi_int64_t", &mpi.int64},
  };
  for (size_t k = 0; k < sizeof symbols / sizeof symbols[0]; k++) {
    *symbols[k].slot = dlsym(library, symbols[k].name);
    if (*symbols[k].slot == NULL) {
      snprintf(load_error, sizeof load_error, "%s is not Open MPI 3.0 or later (no %s)", path,
               symbols[k].name);
      return load_error;
    }
  }
  return NULL;
}

const char *rkmpi_library_version(void) {
  static char version[mpi_max_library_version_string];
  int length = 0;
  if (mpi.library_version == NULL || mpi.library_version(version, &length) != mpi_success)
    return "";
  // The first line only ("Open MPI v4.1.4, package: ..., ident: ...").
  for (int i = 0; i < length && i < mpi_max_library_version_string; i++) {
    if (version[i] == '\n') {
      version[i] = '\0';
      break;
    }
  }
  return version;
}

int rkmpi_init(int *rank, int *size) {
  int provided = 0;
  if (mpi.init_thread == NULL) return -1;
  if (mpi.init_thread(NULL, NULL, mpi_thread_funneled, &provided) != mpi_success) return -1;
  if (mpi.comm_rank(mpi.comm_world, rank) != mpi_success) return -1;
  if (mpi.comm_size(mpi.comm_world, size) != mpi_success) return -1;
  return 0;
}

int rkmpi_finalize(void) { return mpi.finalize() == mpi_success ? 0 : -1; }

void rkmpi_abort(int code) { mpi.abort(mpi.comm_world, code); }

static const int64_t piece = (int64_t)1 << 30;

int rkmpi_send(int destination, int tag, int64_t kind, const uint8_t *bytes, int64_t count) {
  int64_t header[2] = {kind, count};
  if (mpi.send(header, 2, mpi.int64, destination, tag, mpi.comm_world) != mpi_success) return -1;
  for (int64_t at = 0; at < count; at += piece) {
    int n = (int)(count - at < piece ? count - at : piece);
    if (mpi.send(bytes + at, n, mpi.byte, destination, tag, mpi.comm_world) != mpi_success)
      return -1;
  }
  return 0;
}

int rkmpi_receive_count(int source, int tag, int64_t *kind, int64_t *count,
                        int sleep_microseconds) {
  int64_t header[2];
  Handle request = NULL;
  if (mpi.irecv(header, 2, mpi.int64, source, tag, mpi.comm_world, &request) != mpi_success)
    return -1;
  struct timespec pause = {0, (long)sleep_microseconds * 1000L};
  for (;;) {
    int done = 0;
    // A null status is MPI_STATUS_IGNORE.
    if (mpi.test(&request, &done, NULL) != mpi_success) return -1;
    if (done) {
      *kind = header[0];
      *count = header[1];
      return 0;
    }
    nanosleep(&pause, NULL);
  }
}

int rkmpi_receive(int source, int tag, uint8_t *bytes, int64_t count) {
  for (int64_t at = 0; at < count; at += piece) {
    int n = (int)(count - at < piece ? count - at : piece);
    if (mpi.recv(bytes + at, n, mpi.byte, source, tag, mpi.comm_world, NULL) != mpi_success)
      return -1;
  }
  return 0;
}
