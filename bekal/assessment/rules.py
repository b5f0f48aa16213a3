"""The test's fixed rules: how a draw is split by category, how it is scored, retakes.

What varies by year (the number of questions, the minutes, the pass mark) comes from the
programme's scheme and is passed to `start_attempt` by the caller, then stored on the
attempt. What is here is the same for every scheme.
"""

from __future__ import annotations

import datetime as dt

from bekal.assessment.models import Category

#: The order in which a draw's categories receive the questions that do not divide evenly.
DRAW_ORDER = (Category.READING, Category.NUMERACY, Category.REASONING, Category.MOTIVATION)

#: A failed attempt may be retaken this long after it finished (the 2020 programme let
#: people retake the test). A passed attempt is never retaken.
RETAKE_COOL_DOWN = dt.timedelta(hours=24)

#: A question is worth 1 point, counted in thirds so that motivation scores stay integers:
#: a right knowledge answer earns 3 thirds, a motivation option its score (0 to 3) thirds.
THIRDS_PER_QUESTION = 3


def category_split(question_count: int) -> dict[str, int]:
    """How many questions of each category a draw of `question_count` takes.

    Even shares, the remainder going to the categories in DRAW_ORDER (reading first):
    18 -> reading 5, numeracy 5, reasoning 4, motivation 4; 20 -> 5 each; 4 -> 1 each.
    """
    if question_count < 1:
        raise ValueError("question_count must be positive")
    share, remainder = divmod(question_count, len(DRAW_ORDER))
    return {
        category.value: share + (1 if index < remainder else 0)
        for index, category in enumerate(DRAW_ORDER)
    }


def score_percent(*, thirds: int, question_count: int) -> int:
    """The total as a whole percentage, rounded down: points / questions x 100.

    Each knowledge question right is 1 point, a motivation answer its score / 3 points,
    an unanswered question 0. Rounding down keeps `score >= pass_mark` exactly the same
    as comparing the unrounded percentage with a whole-number pass mark.
    """
    return (100 * thirds) // (THIRDS_PER_QUESTION * question_count)
