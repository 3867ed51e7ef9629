# RiskKernels: the two commands the README starts with are `make report` and `make test`.
SWIFT ?= swift

.PHONY: setup report test docs mpi build release bench bench-covariance bench-montecarlo bench-riskparity bench-liquidation bench-cascade bench-accuracy bench-mpi fixtures format lint clean

setup:
	@bash scripts/install-system-deps.sh

report: setup
	$(SWIFT) build -c release --product riskreport
	.build/release/riskreport run

test: setup lint docs
	$(SWIFT) test --disable-xctest
	SWIFT=$(SWIFT) bash scripts/test-vector-levels.sh
	SWIFT=$(SWIFT) bash scripts/check-examples.sh
	SWIFT=$(SWIFT) bash scripts/smoke-riskbench.sh
	SWIFT=$(SWIFT) bash scripts/test-mpi.sh

# riskreport-mpi, the MPI driver (docs/scale-out.md): .build/release/riskreport-mpi.
mpi: setup
	$(SWIFT) build -c release --product riskreport-mpi
	@echo "built .build/release/riskreport-mpi (run: mpirun -np 4 .build/release/riskreport-mpi simulate)"

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release

# riskbench: every pipeline against its budget, and every kernel against its peers, in one run.
bench: setup
	bash Benchmarks/run-riskbench.sh

# Covariance kernels vs. NumPy / scikit-learn and a bare DSYRK, in one run (see Benchmarks/README.md).
bench-covariance: setup
	bash Benchmarks/run-covariance.sh

# Monte Carlo engine vs. NumPy / QuantLib (Benchmarks/peers/harness.py) and this machine's floor.
bench-montecarlo: setup
	bash Benchmarks/run-montecarlo.sh

# Risk-budgeting solver vs. riskparityportfolio, Riskfolio-Lib and NumPy/SciPy Newton.
bench-riskparity: setup
	bash Benchmarks/run-riskparity.sh

# riskreport-mpi: 2 ranks of 1 thread against 1 process of 2 threads (10^6 paths x 10 steps x 50 assets).
bench-mpi: setup
	bash Benchmarks/run-mpi.sh

# Per-block liquidation sweep of 10^6 positions vs. SciPy's vectorised closed form.
bench-liquidation: setup
	bash Benchmarks/run-liquidation.sh

# Liquidation cascades of 10^5 positions and their Monte Carlo vs. a NumPy loop over rounds.
bench-cascade: setup
	bash Benchmarks/run-cascade.sh

# Monte Carlo VaR/ES to 1% relative s.e.: plain and importance sampling vs. NumPy's plain Monte Carlo.
bench-accuracy: setup
	bash Benchmarks/run-accuracy.sh

# Regenerates Tests/RiskKernelsTests/Fixtures from the pinned Python peers.
fixtures:
	bash Tests/FixtureScripts/make_fixtures.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks MPI Examples/Sources Package.swift

# The library's DocC documentation (swift-docc-plugin); any warning is an error. The archive is
# .build/plugins/Swift-DocC/outputs/RiskKernels.doccarchive.
docs:
	$(SWIFT) package generate-documentation --target RiskKernels --warnings-as-errors

# The house rules (the committed .swift-format, and unsafe code only at the C edge); make test
# runs this first.
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Benchmarks MPI Examples/Sources Package.swift
	@bash scripts/check-c-edge.sh

clean:
	rm -rf .build
