# Quick start: `make up` (the whole backend on the local stack), `make test` (the whole suite).
SHELL := /bin/bash
.DEFAULT_GOAL := help
TS_NODE := npx --no-install ts-node -r tsconfig-paths/register --transpile-only

.PHONY: help install tools stack migrate build up down test token topics status simulate recompute bench

help:
	@echo "make up      start Kafka/PostgreSQL/Redis, migrate, and run the three services (Ctrl-C stops them)"
	@echo "make down    stop everything make up started"
	@echo "make test    install what is missing, ensure the stack, run the whole test suite"
	@echo "make token ROLE=agent SUB=agent-1 [STORES=S001,S002]   mint a development token"
	@echo "make recompute                                        rebuild the analytics projection from the events topic (progress bar)"
	@echo "make bench [QUICK=1] [ONLY=name]                      run the benchmarks against the local stack; table in bench/results/latest.md"
	@echo "make simulate [RATE=20] [DURATION=60|COUNT=n] [DUPLICATES=0.05] [MALFORMED=0.02] [REPLIES=0.1] [SEED=n]   publish simulated channel traffic"

node_modules/.install-stamp: package.json package-lock.json
	@# npm ci refuses this lock file: npm omits the other platforms' optional binaries of msgpackr-extract;
	@# npm install still installs exactly the locked versions.
	npm install --no-audit --no-fund
	@touch $@

install: node_modules/.install-stamp

tools:
	@bash stack/ensure-tools.sh

stack: install
	@bash stack/stack.sh up

topics: install
	@$(TS_NODE) scripts/create-topics.ts

migrate: stack
	@$(TS_NODE) scripts/migrate.ts

build: install
	@npm run --silent build

up: migrate build
	@bash stack/run-services.sh

down:
	@bash stack/stack.sh down

status:
	@bash stack/stack.sh status

test: install tools migrate build
	@bash stack/run-tests.sh

token: install
	@$(TS_NODE) scripts/mint-token.ts --role "$(ROLE)" --sub "$(SUB)" $(if $(STORES),--stores "$(STORES)") $(if $(TTL),--ttl "$(TTL)")

recompute: migrate
	@$(TS_NODE) scripts/recompute-analytics.ts

simulate: topics
	@$(TS_NODE) scripts/simulate.ts $(if $(RATE),--rate "$(RATE)") $(if $(DURATION),--duration "$(DURATION)") $(if $(COUNT),--count "$(COUNT)") $(if $(DUPLICATES),--duplicates "$(DUPLICATES)") $(if $(MALFORMED),--malformed "$(MALFORMED)") $(if $(REPLIES),--replies "$(REPLIES)") $(if $(SEED),--seed "$(SEED)") $(if $(BROKERS),--brokers "$(BROKERS)")

bench: install stack migrate build
	@NODE_OPTIONS=--max-semi-space-size=64 $(TS_NODE) bench/run.ts $(if $(filter 1,$(QUICK)),--quick) $(if $(ONLY),--only "$(ONLY)")
