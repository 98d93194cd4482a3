"""Ask the same kind of question about many items at once; collect answers, failures and usage.

    python examples/many_turns.py

``client.chat.ask_many`` runs one turn per item, a few at a time, and returns
the results in the order of the items. With ``on_error="return"`` a failed
turn leaves its error in its place instead of stopping the run;
``results.usage`` sums the tokens and ``results.failed`` lists the failures.
Then the same run goes to a pool of worker processes (``executor=``): each
worker makes its own client from the client's settings. Ctrl-C at any moment
stops every turn still running on the server. (The local test server's agent
fails a turn whose message says FAIL.)
"""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from ethos_sdk import TurnResult
from ethos_sdk.testing import connect, uses_local_server

TICKETS = {
    101: "The export button does nothing on Safari.",
    102: "Please add dark mode to the dashboard.",
    103: "Invoices show the wrong currency for Swiss customers.",
    104: "Login takes 30 seconds since Monday.",
}


def show(done: int, total: int, result: object) -> None:
    print(f"  [{done}/{total}] {'ok' if isinstance(result, TurnResult) else type(result).__name__}")


if __name__ == "__main__":  # process pools start workers that import this file: run only once
    with connect(timeout=30) as client:
        prompts = [f"Summarise ticket {number} in one line: {text}" for number, text in TICKETS.items()]
        if uses_local_server():
            prompts.append("FAIL: this one cannot be answered")
        results = client.chat.ask_many(prompts, max_concurrency=3, on_error="return", timeout=120, progress=show)
        for prompt, result in zip(results.prompts, results):
            answer = result.text if isinstance(result, TurnResult) else f"failed: {result}"
            print(f"{prompt[:40]}... -> {answer[:90]}")
        print(f"{len(results)} items, {len(results.failed)} failed, "
              f"{results.usage.output_tokens} output tokens in {results.usage.model_calls} model calls")

        # The same in worker processes: what travels to them is the client's settings, with its credential.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(2, mp_context=spawn) as pool:
            in_workers = client.chat.ask_many(list(TICKETS.values()), executor=pool, timeout=120)
        print(f"from 2 worker processes, {len(in_workers)} answers in the order of the tickets:")
        for number, reply in zip(TICKETS, in_workers):
            print(f"  {number}: {reply.text[:90]}")
        print("the settings that travel (no secret in them):", client.to_config())
