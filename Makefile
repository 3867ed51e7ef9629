# RiskKernels: the two commands the README starts with are `make report` and `make test`.
SWIFT ?= swift

.PHONY: setup report test build release bench bench-covariance bench-montecarlo bench-riskparity bench-liquidation fixtures format lint clean

setup:
	@bash scripts/install-system-deps.sh

report: setup
	$(SWIFT) build -c release --product riskreport
	.build/release/riskreport run

test: setup
	$(SWIFT) test --disable-xctest
	SWIFT=$(SWIFT) bash scripts/test-vector-levels.sh
	SWIFT=$(SWIFT) bash scripts/check-examples.sh
	SWIFT=$(SWIFT) bash scripts/smoke-riskbench.sh

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

# Per-block liquidation sweep of 10^6 positions vs. SciPy's vectorised closed form.
bench-liquidation: setup
	bash Benchmarks/run-liquidation.sh

# Regenerates Tests/RiskKernelsTests/Fixtures from the pinned Python peers.
fixtures:
	bash Tests/FixtureScripts/make_fixtures.sh

format:
	$(SWIFT) format --in-place --recursive Sources Tests Benchmarks Package.swift

lint:
	$(SWIFT) format lint --recursive Sources Tests Benchmarks
	@bash scripts/check-c-edge.sh

clean:
	rm -rf .build
