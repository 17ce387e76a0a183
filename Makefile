# The commands a newcomer types. Each installs what is missing, configures and
# builds first; nothing else to type.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 300
JOBS       ?= 2
CMAKE_FLAGS ?=

.PHONY: all deps build run simulate test test-unit test-asan test-fuzz fuzz fuzz-build bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# The service with the demo town hall, on http://localhost:8080 and its phone
# number 0100000000 on sip:127.0.0.1:5060 (Ctrl-C stops it).
run: build
	$(BUILD)/src/cli/guichet serve --demo --data data --listen 127.0.0.1:8080 --sip-listen 127.0.0.1:5060

# A simulated Monday morning of the demo town hall, through the routing engine.
simulate: build
	$(BUILD)/src/cli/guichet simulate --scenario scenarios/mairie-lundi-matin.json \
	  --seed 1 --csv $(BUILD)/mairie-lundi-matin.csv
	@echo "Per-interval figures: $(BUILD)/mairie-lundi-matin.csv"

test: test-unit test-asan test-fuzz

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The unit tests again, under AddressSanitizer and UndefinedBehaviorSanitizer.
test-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DGUICHET_SANITIZE=ON -DGUICHET_WEB=OFF $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j$(JOBS) --target core_test routing_test sim_test store_test knowledge_test conversations_test channels_test server_test voice_test
	cd $(BUILD_ASAN) && ctest --output-on-failure -j$(JOBS) -L unit

# The parsers fed from outside under libFuzzer (clang): a few seconds each in
# `make test`, FUZZ_SECONDS (5 minutes) each in `make fuzz`; one per core at a
# time.
fuzz-build: deps
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DGUICHET_FUZZ=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_FUZZ) -j$(JOBS)

test-fuzz: fuzz-build
	scripts/fuzz.sh $(BUILD_FUZZ) 7

fuzz: fuzz-build
	scripts/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

bench: build
	$(BUILD)/bench/routing_bench
	$(BUILD)/bench/knowledge_bench
	for run in 1 2 3; do node --experimental-websocket bench/chat.mjs --guichet $(BUILD)/src/cli/guichet --conversations 5000 --messages 4 --interval-ms 5000 || exit 1; done
	node web/e2e/chat.test.mjs --guichet $(BUILD)/src/cli/guichet --out $(BUILD)/web-e2e-chat
	scripts/bench-server.sh $(BUILD)/src/cli/guichet 5
	scripts/bench-voice.sh $(BUILD)/src/cli/guichet 1000 30 100
	node bench/trust.mjs --guichet $(BUILD)/src/cli/guichet
	node bench/email.mjs --guichet $(BUILD)/src/cli/guichet --mails 10000 --runs 3

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
