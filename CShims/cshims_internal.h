// Private to the CShims module (not part of the umbrella header Swift imports).
#ifndef RISKKERNELS_CSHIMS_INTERNAL_H
#define RISKKERNELS_CSHIMS_INTERNAL_H

/// 1 when this CPU has AVX2 and FMA: set once, before main, by a constructor in shims.c, and
/// read (never written) by every run-time kernel choice.
extern int cshim_has_avx2;
/// 1 when it also has AVX-512 F and DQ (same constructor).
extern int cshim_has_avx512;

#endif
