"""The explorer of the seeds run, opened in headless chromium with the network off."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from arabic_news_topics.topics import describe

pytestmark = pytest.mark.workflow

WORDS_SHOWN = 30  # explorer.words, the default


@pytest.fixture(scope="module")
def seed_results(seed_run):
    return seed_run / "results"


@pytest.fixture(scope="module")
def model(seed_results):
    """The curated model of the run and the corpus's word frequencies, read independently of
    the explorer's code."""
    npz = np.load(seed_results / "04_lda/curated/topic_word.npz")
    vocabulary = [str(v) for v in npz["vocabulary"]]
    table = pd.read_csv(seed_results / "02_normalize/vocabulary.csv", keep_default_na=False)
    counts = dict(zip(table["term"], table["count"], strict=True))
    frequencies = describe.word_frequencies([counts.get(t, 0) for t in vocabulary])
    theta = pd.read_csv(seed_results / "04_lda/curated/doc_topics.csv").set_index("doc_id")
    return {"phi": npz["phi"], "vocabulary": vocabulary, "frequencies": frequencies, "theta": theta}


@pytest.fixture
def page(browser, seed_results):
    """The page, loaded in a context with the network off; ``page.problems`` collects console
    errors, uncaught exceptions and any request that leaves the file."""
    context = browser.new_context(viewport={"width": 1500, "height": 1000}, offline=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on(
        "request",
        lambda r: None if r.url.startswith(("file:", "data:", "blob:")) else problems.append(r.url),
    )
    tab.goto((seed_results / "09_explorer/explorer.html").as_uri())
    tab.wait_for_function("window.explorerReady === true", timeout=30_000)
    tab.problems = problems
    yield tab
    context.close()


def _shown_words(page) -> list[tuple[str, float]]:
    rows = page.eval_on_selector_all(
        "#words li", "rows => rows.map(r => [r.dataset.term, Number(r.dataset.score)])"
    )
    return [(term, score) for term, score in rows]


def _set_lambda(page, step: int) -> None:
    page.eval_on_selector(
        "#lambda",
        "(slider, step) => { slider.value = String(step); "
        "slider.dispatchEvent(new Event('input')); }",
        step,
    )


def _click_topic_on_map(page, topic: int) -> None:
    """A real mouse click at the topic's circle (its pixel position from plotly's axes)."""
    x, y = page.evaluate(
        """(topic) => {
            const gd = document.getElementById("topic-map");
            const trace = gd.data.find(t => (t.customdata || []).includes(topic));
            const i = trace.customdata.indexOf(topic);
            const layout = gd._fullLayout, box = gd.getBoundingClientRect();
            return [box.left + layout._size.l + layout.xaxis.l2p(trace.x[i]),
                    box.top + layout._size.t + layout.yaxis.l2p(trace.y[i])];
        }""",
        topic,
    )
    page.mouse.click(x, y)


def _expected_scores(model, topic: int, lam: float) -> np.ndarray:
    scores = describe.relevance(model["phi"], model["frequencies"], lam)[topic - 1]
    return np.sort(scores)[::-1][:WORDS_SHOWN]


def test_page_opens_offline_with_every_topic(page, model):
    assert page.problems == []
    num_topics = model["phi"].shape[0]
    assert page.inner_text("#topic-count") == str(num_topics)
    assert page.locator("#topic-list button").count() == num_topics
    circles = page.evaluate(
        "() => document.getElementById('topic-map').data.flatMap(t => t.customdata || []).length"
    )
    assert circles == num_topics


def test_clicking_topic_3_shows_its_words_and_articles(page, model):
    _click_topic_on_map(page, 3)
    page.wait_for_function("document.getElementById('topic-title').textContent.includes('3')")
    assert page.inner_text("#topic-title").startswith("Topic 3:")
    # The words: the top 30 by relevance at the starting λ (topics.relevance_lambda, 0.6),
    # computed here from the model's own matrix and the corpus's counts.
    shown = _shown_words(page)
    assert len(shown) == WORDS_SHOWN
    np.testing.assert_allclose(
        [s for _, s in shown], _expected_scores(model, 3, 0.6), rtol=1e-6, atol=1e-9
    )
    # The articles: the documents of highest share of topic 3, highest first.
    theta = model["theta"]["topic_3"]
    articles = page.eval_on_selector_all("#articles .article", "a => a.map(x => x.dataset.doc)")
    expected = theta.sort_values(ascending=False, kind="stable").index[: len(articles)]
    assert articles == list(expected) and len(articles) >= 1
    titles = page.eval_on_selector_all("#articles .title", "a => a.map(x => x.textContent)")
    assert all(t.strip() for t in titles)
    assert page.problems == []


def test_relevance_slider_orders_words_as_the_formula(page, model):
    page.click('#topic-list button[data-topic="2"]')
    orders = {}
    for step, lam in ((0, 0.0), (100, 1.0)):
        _set_lambda(page, step)
        assert page.inner_text("#lambda-value") == f"{lam:.2f}"
        shown = _shown_words(page)
        np.testing.assert_allclose(
            [s for _, s in shown], _expected_scores(model, 2, lam), rtol=1e-6, atol=1e-9
        )
        orders[step] = [term for term, _ in shown]
    # λ = 1 is the order of probability in the topic, λ = 0 that of lift: not the same list.
    assert orders[0] != orders[100]
    phi = model["phi"][1]
    by_probability = [phi[model["vocabulary"].index(term)] for term in orders[100]]
    assert by_probability == sorted(by_probability, reverse=True)


def test_search_finds_a_topic_by_an_unnormalized_word(page, model):
    term = "اطلسي"  # the corpus's normalized form of الأطلسي (article and hamza folded)
    assert term in model["vocabulary"]
    page.fill("#search", "الأطلسي")
    page.wait_for_selector("#search-topics button")
    found = page.eval_on_selector_all(
        "#search-topics button", "b => b.map(x => Number(x.dataset.topic))"
    )
    # First the topic of highest p(topic | word) ∝ p(word | topic) p(topic).
    prevalence = model["theta"].to_numpy().mean(axis=0)
    posterior = model["phi"][:, model["vocabulary"].index(term)] * prevalence
    best = int(np.argmax(posterior)) + 1
    assert found[0] == best
    page.click("#search-topics button >> nth=0")
    assert page.inner_text("#topic-title").startswith(f"Topic {best}:")
    assert page.problems == []


def test_search_finds_an_article_by_part_of_its_title(page, seed_results):
    titles = pd.read_csv(seed_results / "01_corpus/titles.csv", keep_default_na=False)
    doc_id, title = titles.iloc[3]["doc_id"], titles.iloc[3]["title"]
    part = " ".join(title.split()[:2])
    page.fill("#search", part)
    page.wait_for_selector("#search-documents button")
    found = page.eval_on_selector_all("#search-documents button", "b => b.map(x => x.dataset.doc)")
    assert doc_id in found


def test_document_map_colours_by_topic_and_theme(page, model):
    for colour_by, prefix in (("topic", "topic "), ("theme", ""), ("cluster", "cluster ")):
        page.select_option("#colour-by", colour_by)
        names = page.evaluate(
            "() => document.getElementById('document-map').data"
            ".filter(t => t.name !== 'found').map(t => t.name)"
        )
        assert names and all(n.startswith(prefix) for n in names)
        points = page.evaluate(
            "() => document.getElementById('document-map').data.reduce((n, t) => n + t.x.length, 0)"
        )
        assert points == len(model["theta"])
    assert page.problems == []


def test_arabic_is_drawn_right_to_left(page, tmp_path):
    # Every block of article text runs right to left and its text ends at the right edge.
    directions = page.eval_on_selector_all(
        "#articles .title, #articles .snippet, #words .word",
        "nodes => nodes.map(n => getComputedStyle(n).direction)",
    )
    assert directions and set(directions) == {"rtl"}
    gap = page.eval_on_selector(
        "#articles .title",
        """node => { const range = document.createRange(); range.selectNodeContents(node);
                     return node.getBoundingClientRect().right
                            - range.getBoundingClientRect().right; }""",
    )
    assert abs(gap) < 2
    # The screenshot of the articles is not blank: dark text pixels cover a real share of it.
    path = tmp_path / "explorer.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    shot = page.locator("#articles").screenshot()
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("L"))
    assert (pixels < 100).mean() > 0.02


def test_page_is_the_runs_topics(seed_results):
    """The data in the page are those of the run: K, and the labels of topic_labels.csv."""
    page = (seed_results / "09_explorer/explorer.html").read_text(encoding="utf-8")
    start = page.index('<script id="explorer-data" type="application/json">')
    text = page[page.index(">", start) + 1 : page.index("</script>", start)]
    data = json.loads(text)
    labels = pd.read_csv(seed_results / "04_lda/topic_labels.csv", keep_default_na=False)
    assert [t["label"] for t in data["topics"]] == labels["label"].tolist()
    assert len(page.encode("utf-8")) < 15e6
