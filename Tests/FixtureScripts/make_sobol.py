#!/usr/bin/env python3
"""Writes the Sobol' direction numbers RiskKernels ships, and the fixture its tests check them by.

- Sources/RiskKernels/MonteCarlo/SobolDirectionNumbers.swift: Joe & Kuo's new-joe-kuo-6.21201
  table (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
  projections", SIAM J. Sci. Comput. 30, 2635-2654, 2008; https://web.maths.unsw.edu.au/~fkuo/sobol/),
  dimensions 2 ... 4096, one line "s a m_1 ... m_s" per dimension, with its licence. The numbers
  are read from SciPy's copy of the same table (scipy/stats/_sobol_direction_numbers.npz, whose
  `poly` holds each primitive polynomial with its leading and trailing 1: s = bit length − 1,
  a = the bits between them).
- Tests/RiskKernelsTests/Fixtures/montecarlo/sobol.json: SciPy's unscrambled Sobol' points (Gray
  code order, the first 64 points) in dimensions 1-10 and 4087-4096.

usage: python make_sobol.py   (from Tests/FixtureScripts, in the fixtures venv)
"""
import json
import os

import numpy as np
import scipy
from scipy.stats import qmc

DIMENSIONS = 4096
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")

LICENCE = """Copyright (c) 2008, Frances Y. Kuo and Stephen Joe
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

    * Redistributions of source code must retain the above copyright
      notice, this list of conditions and the following disclaimer.

    * Redistributions in binary form must reproduce the above copyright
      notice, this list of conditions and the following disclaimer in the
      documentation and/or other materials provided with the distribution.

    * Neither the names of the copyright holders nor the names of the
      University of New South Wales and the University of Waikato
      and its contributors may be used to endorse or promote products derived
      from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS ``AS IS'' AND ANY
EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDERS BE LIABLE FOR ANY
DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
(INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND
ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""


def main():
    table = np.load(os.path.join(os.path.dirname(scipy.stats.__file__), "_sobol_direction_numbers.npz"))
    poly, vinit = table["poly"], table["vinit"]
    lines = []
    for j in range(1, DIMENSIONS):  # row 0 is the first dimension (all m = 1, no polynomial)
        p = int(poly[j])
        s = p.bit_length() - 1
        a = (p >> 1) & ((1 << (s - 1)) - 1) if s > 1 else 0
        m = [int(x) for x in vinit[j][:s]]
        assert all(x % 2 == 1 and x < (1 << (i + 1)) for i, x in enumerate(m)), j
        lines.append(" ".join(str(x) for x in [s, a] + m))
    header = "\n".join("// " + line if line else "//" for line in LICENCE.split("\n"))
    swift = f"""// swift-format-ignore-file
// Sobol' direction numbers: S. Joe and F. Y. Kuo, new-joe-kuo-6.21201, dimensions 2 ... {DIMENSIONS}
// (https://web.maths.unsw.edu.au/~fkuo/sobol/; "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30, 2008). Written by
// Tests/FixtureScripts/make_sobol.py; do not edit. The table's licence:
//
// -----------------------------------------------------------------------------
// Licence pertaining to sobol.cc and the accompanying sets of direction numbers
// -----------------------------------------------------------------------------
{header}

extension SobolSequence {{
  /// One line per dimension 2 ... {DIMENSIONS}: the degree s of its primitive polynomial, the
  /// polynomial's inner coefficients a (as bits), and the initial direction numbers m₁ … mₛ.
  static let joeKuoTable = \"\"\"
{chr(10).join(lines)}
\"\"\"
}}
"""
    with open(os.path.join(ROOT, "Sources/RiskKernels/MonteCarlo/SobolDirectionNumbers.swift"), "w") as f:
        f.write(swift)
    engine = qmc.Sobol(d=DIMENSIONS, scramble=False)
    points = engine.random(64)
    dims = list(range(10)) + list(range(DIMENSIONS - 10, DIMENSIONS))
    fixture = {"source": f"scipy {scipy.__version__} qmc.Sobol(d={DIMENSIONS}, scramble=False).random(64)",
               "dimensions": dims, "points": [[float(points[k, j]) for j in dims] for k in range(64)]}
    with open(os.path.join(ROOT, "Tests/RiskKernelsTests/Fixtures/montecarlo/sobol.json"), "w") as f:
        json.dump(fixture, f, indent=1)


if __name__ == "__main__":
    main()
