"""Progress reports reach the reporter of their context, scaled by nested stages, clamped to 0..1,
from threads too; nothing happens without a reporter."""

import asyncio

from ragloom.core.progress import report_progress, reporting_to, stage


def test_reports_are_scaled_by_stages_and_clamped():
    heard = []
    with reporting_to(heard.append):
        report_progress(0.1)
        with stage(0.2, 0.6):
            report_progress(0.5)
            with stage(0.5, 1.0):
                report_progress(0.0)
        report_progress(3.0)
    report_progress(0.9)  # nobody listens now
    assert heard == [0.1, 0.4, 0.4, 1.0]


async def test_threads_started_for_the_work_report_to_it():
    heard = []
    with reporting_to(heard.append), stage(0.0, 0.5):
        await asyncio.to_thread(report_progress, 1.0)
    assert heard == [0.5]


def test_without_a_reporter_nothing_happens():
    with stage(0.0, 0.5):
        report_progress(0.3)
