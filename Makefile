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

.PHONY: setup run test test-python test-firmware fuzz bench soak clean

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

test-python: setup
	$(PY) -m pytest test $(PYTEST_ARGS)

test-firmware:
	cmake -S firmware/test -B $(BUILD)/firmware-tests -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(BUILD)/firmware-tests -j2
	ctest --test-dir $(BUILD)/firmware-tests --output-on-failure
	bash firmware/test/fuzz/run.sh $(FUZZ_SECONDS)

fuzz:
	bash firmware/test/fuzz/run.sh 300

# Benchmarks (issue: measure it) write docs/benchmarks.md and a plot.
bench: setup
	$(PY) bench/run_bench.py --out docs

# Long soak with scheduled faults; SOAK_SECONDS sets its length (default 10 min).
SOAK_SECONDS ?= 600
soak: setup
	$(PY) bench/soak.py --duration $(SOAK_SECONDS) --out docs

clean:
	rm -rf $(BUILD) .pytest_cache
