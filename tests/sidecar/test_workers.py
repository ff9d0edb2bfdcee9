"""The budget pool: a task that overruns is killed with its worker, which is replaced;
a task that finds every worker busy is given up, not left waiting."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator

import pytest

from sidecar.services.workers import BudgetPool, Busy, Overran


@pytest.fixture
def pool() -> Iterator[BudgetPool]:
    pool = BudgetPool(1)
    yield pool
    pool.close()


def test_an_overrunning_task_has_its_worker_killed_and_replaced(pool: BudgetPool) -> None:
    before = pool.run(os.getpid, budget=30, wait=30)
    with pytest.raises(Overran):
        pool.run(time.sleep, 60, budget=0.2, wait=30)
    after = pool.run(os.getpid, budget=30, wait=30)
    assert after != before
    with pytest.raises(ProcessLookupError):
        os.kill(before, 0)  # gone, not left running


def test_a_task_that_finds_every_worker_busy_is_given_up(pool: BudgetPool) -> None:
    pool.run(os.getpid, budget=30, wait=30)  # started
    holder = threading.Thread(
        target=pool.run, args=(time.sleep, 3), kwargs={"budget": 30, "wait": 30}
    )
    holder.start()
    time.sleep(0.5)  # the one worker is sleeping now
    with pytest.raises(Busy):
        pool.run(os.getpid, budget=0.2, wait=0.2)
    holder.join()
    assert pool.run(os.getpid, budget=30, wait=30) > 0  # and the pool serves again
