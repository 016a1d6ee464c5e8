# The front door. `make demo` and `make test` work on a fresh Debian 12 machine: each
# first installs whatever packages are missing (scripts/bootstrap.sh), then builds.
BUILD      ?= build
ASAN_BUILD ?= build-asan
BENCH_BUILD?= build-bench
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
CTEST_JOBS ?= $(shell nproc)

.PHONY: all bootstrap build demo test test-sanitize test-mpi bench format clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

build: bootstrap
	@cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD)

# The MANGU regional failover (seeds/mangu-backup-dr-runbook.md §2.2), replayed as written.
demo: build
	./$(BUILD)/apps/drsim/drsim run scenarios/library/mangu-regional-failover.json --trials 2000

# The benchmarks' programs are built here too (not run): code they call cannot change under
# them unnoticed until the next `make bench`.
test: build
	@bash scripts/bootstrap.sh --test
	@cmake -S . -B $(BUILD) -DDRSIM_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD)
	ctest --test-dir $(BUILD) --output-on-failure -j $(CTEST_JOBS)

# The tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
test-sanitize: bootstrap
	@bash scripts/bootstrap.sh --test
	@cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DDRSIM_SANITIZE=ON \
	  -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" >/dev/null
	@cmake --build $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(CTEST_JOBS)

# The optional MPI build (Open MPI) and its test: mpirun -np 2 matches one process.
MPI_BUILD ?= build-mpi
test-mpi:
	@bash scripts/bootstrap.sh --test
	@bash scripts/bootstrap.sh --mpi
	@cmake -S . -B $(MPI_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DDRSIM_WITH_MPI=ON -DDRSIM_BUILD_TESTS=ON >/dev/null
	@cmake --build $(MPI_BUILD)
	ctest --test-dir $(MPI_BUILD) --output-on-failure -R Mpi

# Kernel and peer benchmarks; see bench/README.md. The drsim command is profile-guided: built
# instrumented, trained on the scenario library (bench/train.sh), then rebuilt with the profile.
bench:
	@bash scripts/bootstrap.sh --bench
	@cmake -S . -B $(BENCH_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DDRSIM_BUILD_BENCH=ON \
	  -DDRSIM_BUILD_TESTS=OFF -DDRSIM_PGO=generate >/dev/null
	@cmake --build $(BENCH_BUILD) --target drsim
	bash bench/train.sh $(BENCH_BUILD)
	@cmake -S . -B $(BENCH_BUILD) -DDRSIM_PGO=use >/dev/null
	@cmake --build $(BENCH_BUILD)
	bash bench/run.sh $(BENCH_BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(BENCH_BUILD)
