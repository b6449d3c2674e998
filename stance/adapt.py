"""Retraining on the corpus plus a user's corrections, and showing whether the corrections helped.

A part of the user's labels is held out (whole articles at a time, so that statements of one story
are not on both sides) and both models are scored on it: the base model the corrections were
made against, and the new one. The new model is trained without that part, so the figure printed
is the figure of the file written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stance.errors import StanceError
from stance.schema import ACTORS, LABELS

if TYPE_CHECKING:
    import pandas as pd

    from stance.model import StanceModel

HELD_OUT_SHARE = 0.2
# Each of the user's rows counts as this many corpus rows. With 100 queue-chosen real labels
# (benchmarks/adaptation_methods.py), 10 gained most among 1, 3, 10, 20 and a weight scaled to the
# corpus, on the reported seeds and on others; at 1, a hundred rows barely move a 6,000-row corpus.
DEFAULT_WEIGHT_NEW = 10.0
MIN_GROUPS_TO_HOLD_OUT = 5
SHIPPED = "shipped"


@dataclass
class AdaptResult:
    """The new model, and both models' figures on the held-out part of the user's labels (None: too few)."""

    model: StanceModel
    user_rows: int
    held_out_rows: int
    grouped_by: str
    new: dict[str, Any] | None
    base: dict[str, Any] | None


def read_user_labels(paths: list[Path]) -> pd.DataFrame:
    """A user's labelled rows (a `stance label` log or any CSV/JSONL with text and label).

    Unlike the corpus, the actor may be left empty: a user labels what a statement says, and the
    labelling log has no actor for statements that came without one.
    """
    import pandas as pd

    from stance.data import check_values, iter_table, line_number, require_columns

    frames = []
    for path in paths:
        frame = pd.concat(list(iter_table(path)), ignore_index=True)
        require_columns(path, frame, ["text", "label"])
        frame["label"] = frame["label"].str.strip()
        check_values(path, frame, "label", LABELS)
        empty = (frame["text"].str.strip() == "").to_numpy().nonzero()[0]
        if len(empty):
            raise StanceError(f"{path}: line {line_number(path, int(empty[0]))}, column 'text': the text is empty")
        if "actor" in frame.columns:
            named = frame["actor"] != ""
            bad = (named & ~frame["actor"].isin(ACTORS)).to_numpy().nonzero()[0]
            if len(bad):
                raise StanceError(
                    f"{path}: line {line_number(path, int(bad[0]))}, column 'actor': unknown actor "
                    f"{frame['actor'].iloc[int(bad[0])]!r} (expected one of: {', '.join(ACTORS)}, or empty)"
                )
        frame["file"] = path.as_posix()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def user_groups(frame: pd.DataFrame) -> tuple[list[str], str]:
    """One group per article when the rows name one, else one per row: the unit held out whole."""
    if "article" in frame.columns and (frame["article"] != "").any():
        return [
            f"article:{article}" if article else f"row:{i}" for i, article in enumerate(frame["article"].tolist())
        ], "article"
    return [f"row:{i}" for i in range(len(frame))], "row"


def base_model_path(base: str | Path) -> Path:
    from stance.model import default_model_path

    return default_model_path() if str(base) == SHIPPED else Path(base)


def check_out(out: Path, inputs: list[Path], base: Path) -> None:
    """Write only where told: never over an input, the base model, or the shipped model."""
    from stance.model import card_path, default_model_path
    from stance.output import check_output

    for written in (out, out.with_suffix(".npz"), card_path(out)):
        check_output(written, inputs=inputs, protected=[base, default_model_path()], option="--out")


def train_with_corrections(
    corpus_files: list[Path],
    user_files: list[Path],
    out: Path,
    *,
    base: str | Path = SHIPPED,
    weight_new: float = DEFAULT_WEIGHT_NEW,
    held_out_share: float = HELD_OUT_SHARE,
    settings: str | None = None,
    seed: int = 0,
    cv: int = 5,
    trusted: bool = False,
) -> AdaptResult:
    """Train on the corpus plus the user's rows (weighted), score against the base model, save to `out`."""
    import pandas as pd
    from sklearn.model_selection import GroupShuffleSplit

    from stance.data import files_sha256, read_labelled
    from stance.metrics import evaluate_model
    from stance.model import load_model
    from stance.training import DEFAULT_SETTINGS, train

    if weight_new <= 0:
        raise StanceError(f"--weight-new must be above 0, got {weight_new}")
    if not user_files:
        raise StanceError("no labels of yours given: stance train CORPUS.csv YOURS.csv --base shipped --out MODEL")
    base_path = base_model_path(base)
    check_out(out, [*corpus_files, *user_files], base_path)
    base_model = load_model(base_path, trusted=trusted)
    corpus = read_labelled(corpus_files)
    user = read_user_labels(user_files)
    groups, grouped_by = user_groups(user)
    held = pd.Series(False, index=user.index)
    if 0 < held_out_share < 1 and len(set(groups)) >= MIN_GROUPS_TO_HOLD_OUT:
        splitter = GroupShuffleSplit(n_splits=1, test_size=held_out_share, random_state=seed)
        _, held_index = next(splitter.split(user, groups=groups))
        held.iloc[held_index] = True
    kept = user[~held.to_numpy()]
    columns = ["text", "label"]
    train_frame = pd.concat([corpus[columns], kept[columns]], ignore_index=True)
    if "crisis" in corpus.columns:
        user_crisis = [
            crisis if crisis else group
            for crisis, group in zip(
                kept["crisis"] if "crisis" in kept.columns else [""] * len(kept),
                [g for g, h in zip(groups, held.tolist(), strict=True) if not h],
                strict=True,
            )
        ]
        train_frame["crisis"] = corpus["crisis"].tolist() + user_crisis
    weights = [1.0] * len(corpus) + [float(weight_new)] * len(kept)
    assert base_model.card is not None
    files = {
        "files": [path.as_posix() for path in [*corpus_files, *user_files]],
        "sha256": files_sha256([*corpus_files, *user_files]),
        "sha256_covers": [path.as_posix() for path in [*corpus_files, *user_files]],
        "corrections": {
            "files": [path.as_posix() for path in user_files],
            "rows_trained_on": len(kept),
            "rows_held_out": int(held.sum()),
            "held_out_grouped_by": grouped_by,
            "weight_new": weight_new,
            "base_model": base_path.as_posix(),
            "base_model_sha256": base_model.card.sha256,
        },
    }
    model = train(
        train_frame,
        settings=settings or DEFAULT_SETTINGS,
        seed=seed,
        cv=cv,
        training_files=files,
        sample_weight=weights,
    )
    new_report = base_report = None
    if held.any():
        held_frame = user[held.to_numpy()].reset_index(drop=True)
        new_report = evaluate_model(model, held_frame)[0]
        base_report = evaluate_model(base_model, held_frame)[0]
        assert model.card is not None
        model.card = replace(
            model.card,
            held_out={
                "file": f"held-out part of {', '.join(p.as_posix() for p in user_files)} (by {grouped_by})",
                **new_report,
                "base_model_macro_f1": base_report["macro_f1"],
            },
        )
    model.save(out)
    return AdaptResult(model, len(user), int(held.sum()), grouped_by, new_report, base_report)
