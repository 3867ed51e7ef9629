// The MPI edge of riskreport-mpi: a handful of calls on plain C types, into Open MPI's libmpi
// opened at run time (rkmpi_load), so that neither building nor a missing MPI at run time needs
// more than a one-line message.
#ifndef CMPI_H
#define CMPI_H

#include <stdint.h>

/// Opens Open MPI's libmpi (libmpi.so.40, or the file RISKREPORT_MPI_LIBRARY names) and finds
/// the calls below in it. NULL on success, else a one-line reason; call it first, once.
const char *rkmpi_load(void);

/// The MPI library's version string ("" before rkmpi_load).
const char *rkmpi_library_version(void);

/// MPI_Init_thread (funneled: only the main thread calls MPI); the rank and the process count.
/// Returns 0 on success.
int rkmpi_init(int *rank, int *size);

/// MPI_Finalize. Returns 0 on success.
int rkmpi_finalize(void);

/// MPI_Abort on MPI_COMM_WORLD: ends every rank of the job.
void rkmpi_abort(int code);

/// Sends a message of kind `kind` and `count` bytes to `destination` with `tag`: the kind and
/// the count first (two int64), then the bytes in pieces of at most 1 GiB (MPI counts are
/// ints). Returns 0 on success.
int rkmpi_send(int destination, int tag, int64_t kind, const uint8_t *bytes, int64_t count);

/// Waits for the next message from `source` with `tag` and returns its kind and length,
/// testing every `sleep_microseconds` (a blocking MPI receive spins a core, which an
/// oversubscribed rank would take from one still simulating). Returns 0 on success.
int rkmpi_receive_count(int source, int tag, int64_t *kind, int64_t *count,
                        int sleep_microseconds);

/// Receives that message's `count` bytes. Returns 0 on success.
int rkmpi_receive(int source, int tag, uint8_t *bytes, int64_t count);

/// FNV-1a (64-bit) of this executable's bytes (/proc/self/exe; 0 if it cannot be read): every
/// rank of a job must run the same build.
uint64_t rkmpi_executable_hash(void);

/// Points stdout at /dev/null (ranks other than 0 print nothing). Returns 0 on success.
int rkmpi_silence_stdout(void);

#endif
