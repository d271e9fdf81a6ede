# The two commands a new user needs: `make run` and `make test`.
# Both install missing Debian/Ubuntu packages first (apt-get, sudo when not root).

SWIFT        ?= swift
CONFIG       ?= Config/fovea.yaml
PORT         ?= 8080
RELEASE_BIN   = .build/release/fovea

.PHONY: run test build release system-deps test-deps python-env clean

## run: build in release mode and serve the default model on :$(PORT)
run: system-deps release
	$(RELEASE_BIN) serve --config $(CONFIG) --port $(PORT)

## test: the whole test suite (unit, reference and over-the-socket tests;
## the photos come from Scripts/shared-dir.sh), the release binary checked
## over HTTP as `make run` serves it (Scripts/release-smoke.py), then every
## fuzzing harness built and run for 10 s (Scripts/fuzz/smoke.sh)
test: test-deps python-env
	@shared="$$(Scripts/shared-dir.sh)"; if [ -n "$$shared" ]; then export FOVEA_SHARED_DIR="$$shared"; fi; \
	$(SWIFT) test && \
	$(SWIFT) build -c release --product fovea && \
	Scripts/release-smoke.py $(RELEASE_BIN) --config $(CONFIG)
	@Scripts/fuzz/smoke.sh

build: system-deps
	$(SWIFT) build

release: system-deps
	$(SWIFT) build -c release --product fovea

system-deps:
	@Scripts/ensure-system-packages.sh build

test-deps:
	@Scripts/ensure-system-packages.sh test

python-env: test-deps
	@Scripts/setup-python-env.sh

clean:
	rm -rf .build

## lint: validate Dockerfile, Kubernetes manifests, Prometheus config/rules and
## the Grafana dashboard offline (tools go to .build/lint-venv)
.PHONY: lint
lint:
	@Scripts/lint.sh
