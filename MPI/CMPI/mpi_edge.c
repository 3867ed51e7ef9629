#include "CMPI.h"

#include <fcntl.h>
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

#if __has_include(<mpi.h>)
#include <mpi.h>

int rkmpi_built_with_mpi(void) { return 1; }

const char *rkmpi_library_version(void) {
  static char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  if (MPI_Get_library_version(version, &length) != MPI_SUCCESS) return "";
  // The first line only ("Open MPI v4.1.4, package: ..., ident: ...").
  for (int i = 0; i < length; i++) {
    if (version[i] == '\n') {
      version[i] = '\0';
      break;
    }
  }
  return version;
}

int rkmpi_init(int *rank, int *size) {
  int provided = 0;
  if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) return -1;
  if (MPI_Comm_rank(MPI_COMM_WORLD, rank) != MPI_SUCCESS) return -1;
  if (MPI_Comm_size(MPI_COMM_WORLD, size) != MPI_SUCCESS) return -1;
  return 0;
}

int rkmpi_finalize(void) { return MPI_Finalize() == MPI_SUCCESS ? 0 : -1; }

void rkmpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

static const int64_t piece = (int64_t)1 << 30;

int rkmpi_send(int destination, int tag, int64_t kind, const uint8_t *bytes, int64_t count) {
  int64_t header[2] = {kind, count};
  if (MPI_Send(header, 2, MPI_INT64_T, destination, tag, MPI_COMM_WORLD) != MPI_SUCCESS) return -1;
  for (int64_t at = 0; at < count; at += piece) {
    int n = (int)(count - at < piece ? count - at : piece);
    if (MPI_Send(bytes + at, n, MPI_BYTE, destination, tag, MPI_COMM_WORLD) != MPI_SUCCESS)
      return -1;
  }
  return 0;
}

int rkmpi_receive_count(int source, int tag, int64_t *kind, int64_t *count,
                        int sleep_microseconds) {
  int64_t header[2];
  MPI_Request request;
  if (MPI_Irecv(header, 2, MPI_INT64_T, source, tag, MPI_COMM_WORLD, &request) != MPI_SUCCESS)
    return -1;
  struct timespec pause = {0, (long)sleep_microseconds * 1000L};
  for (;;) {
    int done = 0;
    if (MPI_Test(&request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS) return -1;
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
    if (MPI_Recv(bytes + at, n, MPI_BYTE, source, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE) !=
        MPI_SUCCESS)
      return -1;
  }
  return 0;
}

#else
// Built without MPI: every call fails, and riskreport-mpi says how to build it with MPI.

int rkmpi_built_with_mpi(void) { return 0; }
const char *rkmpi_library_version(void) { return ""; }
int rkmpi_init(int *rank, int *size) {
  (void)rank;
  (void)size;
  return -1;
}
int rkmpi_finalize(void) { return -1; }
void rkmpi_abort(int code) { (void)code; }
int rkmpi_send(int destination, int tag, int64_t kind, const uint8_t *bytes, int64_t count) {
  (void)destination, (void)tag, (void)kind, (void)bytes, (void)count;
  return -1;
}
int rkmpi_receive_count(int source, int tag, int64_t *kind, int64_t *count,
                        int sleep_microseconds) {
  (void)source, (void)tag, (void)kind, (void)count, (void)sleep_microseconds;
  return -1;
}
int rkmpi_receive(int source, int tag, uint8_t *bytes, int64_t count) {
  (void)source, (void)tag, (void)bytes, (void)count;
  return -1;
}
#endif
