// The topic explorer's page script: plain JS on top of plotly.js (see explorer/core.py for
// why). Data text goes into the page through textContent only, never as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("explorer-data").textContent);
  const table = data.word_table;
  const FONT = '"DejaVu Sans", "Noto Naskh Arabic", "Noto Sans Arabic", Arial, sans-serif';
  const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f", "#aec7e8", "#ffbb78", "#98df8a", "#c5b0d5", "#c49c94"];
  const PLOT_CONFIG = { displaylogo: false, responsive: true };
  const state = {
    topic: null,
    step: Math.round(data.relevance_lambda * (data.lambda_steps - 1)),
    colourBy: "cluster",
  };

  // ---------------------------------------------------------------- small helpers
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(key, String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const rtl = (text, tag = "bdi") => el(tag, { dir: "rtl", lang: "ar" }, text);
  const percent = (x) => (100 * x).toFixed(x < 0.01 ? 2 : 1) + " %";
  const shorten = (text, n) => (text.length > n ? text.slice(0, n - 1) + "…" : text);
  const topicOf = (k) => data.topics[k - 1];
  const themeColour = (name) =>
    name ? PALETTE[data.themes.indexOf(name) % PALETTE.length] : "#9a9a9a";
  const lambdaOf = (step) => step / (data.lambda_steps - 1);

  // ---------------------------------------------------------------- search (normalized)
  // The letter rules are the normalizer's own tables (core.search_rules): the query and
  // every word of the page are folded alike, and proclitics are tried off the query.
  const rules = data.search;
  const diacritics = new RegExp(rules.diacritics, "gu");
  function fold(text) {
    const bare = String(text).normalize("NFKC").replace(diacritics, "")
      .split(rules.tatweel).join("");
    return Array.from(bare, (c) => (c in rules.folds ? rules.folds[c] : c)).join("");
  }
  function queryForms(word) {
    const folded = fold(word);
    const forms = new Set([folded]);
    for (const prefix of [...rules.article_proclitics, ...rules.particle_proclitics]) {
      const p = fold(prefix);
      if (folded.startsWith(p) && folded.length - p.length >= 2) forms.add(folded.slice(p.length));
    }
    return forms;
  }
  // Built on the first search, not at load: folding every word and title costs a few
  // hundred milliseconds on a large corpus.
  let wordIndex = null;
  function indexWord(key, position) {
    if (!key) return;
    if (!wordIndex.has(key)) wordIndex.set(key, new Set());
    wordIndex.get(key).add(position);
  }
  function buildWordIndex() {
    wordIndex = new Map();
    table.term.forEach((term, i) => {
      for (const form of [term, table.display[i], ...table.forms[i]]) {
        const folded = fold(form);
        indexWord(folded, i);
        // Multiword terms (حلف_اطلسي) are found by each of their words too.
        for (const part of folded.split(/[_\s]+/)) if (part !== folded) indexWord(part, i);
      }
    });
  }
  function matchWords(query) {
    if (wordIndex === null) buildWordIndex();
    const found = new Set();
    for (const word of query.trim().split(/\s+/).filter(Boolean)) {
      const forms = queryForms(word);
      let hits = [...forms].flatMap((f) => [...(wordIndex.get(f) || [])]);
      if (!hits.length) {
        // No exact word: words that start with the query (at least three letters).
        for (const [key, positions] of wordIndex) {
          if ([...forms].some((f) => f.length >= 3 && key.startsWith(f))) hits.push(...positions);
        }
      }
      hits.forEach((h) => found.add(h));
    }
    return found;
  }
  function searchTopics(query) {
    // Topics by p(topic | word) (core.word_topics), summed over the words found.
    const scores = new Map();
    for (const w of matchWords(query)) {
      for (const [topic, p] of table.topics[w]) {
        const hit = scores.get(topic) || { topic, score: 0, matched: [] };
        hit.score += p;
        hit.matched.push(table.display[w]);
        scores.set(topic, hit);
      }
    }
    return [...scores.values()].sort((a, b) => b.score - a.score || a.topic - b.topic);
  }
  let foldedTitles = null;
  function searchDocuments(query, limit = 20) {
    if (foldedTitles === null) {
      foldedTitles = Object.entries(data.documents).map(([id, d]) => [id, fold(d.title)]);
    }
    const q = fold(query.trim());
    if (q.length < 2) return [];
    return foldedTitles.filter(([, title]) => title.includes(q)).slice(0, limit).map(([id]) => id);
  }
  function showSearch() {
    const query = document.getElementById("search").value;
    const box = document.getElementById("search-results");
    box.replaceChildren();
    if (!query.trim()) return;
    const topics = searchTopics(query);
    const documents = searchDocuments(query);
    const topicBox = el("div", { id: "search-topics" }, el("span", { class: "note" },
      topics.length ? "Topics: " : "No word of the page matches. "));
    for (const hit of topics) {
      const t = topicOf(hit.topic);
      topicBox.append(el("button", { type: "button", "data-topic": hit.topic },
        `${hit.topic} · `, rtl(t.label), " ", el("span", { class: "note" },
          "(", rtl(hit.matched.slice(0, 3).join("، ")), ")")));
    }
    const documentBox = el("div", { id: "search-documents" }, el("span", { class: "note" },
      documents.length ? "Articles: " : "No article title in this page holds it."));
    for (const id of documents) {
      const d = data.documents[id];
      documentBox.append(el("button", { type: "button", "data-doc": id, "data-topic": d.topic },
        rtl(shorten(d.title || id, 70))));
    }
    box.append(topicBox, documentBox);
    box.querySelectorAll("button[data-topic]").forEach((b) =>
      b.addEventListener("click", () => select(Number(b.dataset.topic), b.dataset.doc)));
  }

  // ---------------------------------------------------------------- intertopic map
  function drawTopicMap() {
    const largest = Math.max(...data.topics.map((t) => t.prevalence), 1e-12);
    const sizeref = (2 * largest) / 60 ** 2; // the largest circle 60 px across
    const groups = [...data.themes, ""];
    const traces = groups.map((theme) => {
      const topics = data.topics.filter((t) => t.theme === theme);
      return {
        type: "scatter", mode: "markers+text", name: theme || "no theme",
        x: topics.map((t) => t.x), y: topics.map((t) => t.y),
        text: topics.map((t) => String(t.topic)), customdata: topics.map((t) => t.topic),
        hovertext: topics.map((t) => `Topic ${t.topic} (${percent(t.prevalence)})<br>${t.label}`),
        hoverinfo: "text", textfont: { size: 11 },
        marker: { size: topics.map((t) => t.prevalence), sizemode: "area", sizeref, sizemin: 6,
          color: themeColour(theme), opacity: 0.6, line: { width: 1, color: "#333" } },
      };
    }).filter((trace) => trace.x.length);
    const t = state.topic ? topicOf(state.topic) : null;
    traces.push({
      type: "scatter", mode: "markers", name: "selected", showlegend: false, hoverinfo: "skip",
      x: t ? [t.x] : [], y: t ? [t.y] : [],
      marker: { size: 16, symbol: "circle-open", color: "#d62728", line: { width: 3 } },
    });
    const layout = {
      margin: { l: 50, r: 10, t: 10, b: 40 }, font: { family: FONT }, hovermode: "closest",
      xaxis: { zeroline: false, title: { text: "dimension 1" } },
      yaxis: { zeroline: false, title: { text: "dimension 2" }, scaleanchor: "x" },
      legend: { orientation: "h", y: -0.15, itemsizing: "constant" },
      showlegend: data.themes.length > 0,
    };
    return Plotly.react("topic-map", traces, layout, PLOT_CONFIG);
  }

  // ---------------------------------------------------------------- the selected topic
  function rankedWords(topicNumber, step) {
    // LDAvis's relevance, as topics.describe.relevance computes it.
    const lam = lambdaOf(step);
    const topic = topicOf(topicNumber);
    const scored = topic.words.map((w, j) => {
      const logPhi = Math.log(Math.max(topic.phi[j], 1e-300));
      const logP = Math.log(table.frequency[w]);
      return { w, phi: topic.phi[j], score: lam * logPhi + (1 - lam) * (logPhi - logP) };
    });
    scored.sort((a, b) => b.score - a.score || a.w - b.w);
    return scored.slice(0, data.words_shown);
  }
  function drawWords() {
    document.getElementById("lambda-value").textContent = lambdaOf(state.step).toFixed(2);
    const ranked = rankedWords(state.topic, state.step);
    const top = Math.max(...ranked.map((r) => Math.max(r.phi, table.frequency[r.w])), 1e-12);
    const list = document.getElementById("words");
    list.replaceChildren(...ranked.map((r, i) => {
      const p = table.frequency[r.w];
      const forms = table.forms[r.w].join("، ");
      return el("li", { "data-term": table.term[r.w], "data-score": r.score, "data-phi": r.phi,
        title: `${table.term[r.w]}: p(word | topic) ${r.phi.toPrecision(3)}, p(word) ` +
          `${p.toPrecision(3)}, lift ${(r.phi / p).toPrecision(3)}, relevance ` +
          `${r.score.toFixed(3)}${forms ? "; written " + forms : ""}` },
      el("span", { class: "rank" }, i + 1),
      el("span", { class: "word", dir: "rtl", lang: "ar" }, table.display[r.w]),
      el("span", { class: "bars" },
        el("span", { class: "bar corpus", style: `width:${(100 * p) / top}%` }),
        el("span", { class: "bar topic", style: `width:${(100 * r.phi) / top}%` })));
    }));
  }
  function drawArticles() {
    const box = document.getElementById("articles");
    const articles = topicOf(state.topic).articles;
    if (!articles.length) {
      box.replaceChildren(el("p", { class: "empty" }, "No article."));
      return;
    }
    box.replaceChildren(...articles.map((a) => {
      const d = data.documents[a.doc_id] || { title: a.doc_id, date: "", source: "" };
      const meta = [d.date, d.source, `share ${percent(a.share)}`].filter(Boolean);
      return el("div", { class: "article", "data-doc": a.doc_id },
        el("div", { class: "title", dir: "rtl", lang: "ar" }, d.title || a.doc_id),
        el("div", { class: "meta" }, ...meta.flatMap((m, i) =>
          [i ? " · " : "", el("bdi", {}, m)])),
        d.snippet ? el("div", { class: "snippet", dir: "rtl", lang: "ar" }, d.snippet) : null);
    }));
  }
  function intervalChart(id, rows, overTime, emptyText) {
    const node = document.getElementById(id);
    if (!rows.length) {
      Plotly.purge(node);
      node.replaceChildren(el("p", { class: "empty" }, emptyText));
      return;
    }
    node.replaceChildren();
    const groups = rows.map((r) => r.group);
    const lower = rows.map((r) => (r.lower === null ? r.estimate : r.lower));
    const upper = rows.map((r) => (r.upper === null ? r.estimate : r.upper));
    const hover = rows.map((r) => `${r.group}: ${percent(r.estimate)}` +
      (r.lower === null ? " (too few documents for an interval)" :
        ` [${percent(r.lower)}, ${percent(r.upper)}]`) + `, ${r.documents} documents`);
    const traces = overTime ? [
      { type: "scatter", mode: "lines", x: groups, y: upper, line: { width: 0 },
        hoverinfo: "skip", showlegend: false },
      { type: "scatter", mode: "lines", x: groups, y: lower, line: { width: 0 }, fill: "tonexty",
        fillcolor: "rgba(214,39,40,0.2)", hoverinfo: "skip", showlegend: false },
      { type: "scatter", mode: "lines+markers", x: groups, y: rows.map((r) => r.estimate),
        line: { color: "#d62728" }, hovertext: hover, hoverinfo: "text", showlegend: false },
    ] : [{
      type: "scatter", mode: "markers", x: groups, y: rows.map((r) => r.estimate),
      marker: { color: "#d62728", size: 8 }, hovertext: hover, hoverinfo: "text",
      error_y: { type: "data", symmetric: false, color: "#d62728",
        array: rows.map((r, i) => upper[i] - r.estimate),
        arrayminus: rows.map((r, i) => r.estimate - lower[i]) },
    }];
    const layout = {
      margin: { l: 45, r: 10, t: 5, b: 60 }, font: { family: FONT, size: 11 },
      yaxis: { tickformat: ".0%", rangemode: "tozero", title: { text: "mean share" } },
      xaxis: { type: "category", automargin: true }, hovermode: "closest",
    };
    Plotly.react(node, traces, layout, PLOT_CONFIG);
  }
  function drawTopic() {
    const t = topicOf(state.topic);
    document.getElementById("topic-title").replaceChildren(`Topic ${t.topic}: `, rtl(t.label));
    document.getElementById("topic-meta").replaceChildren(
      `${percent(t.prevalence)} of the corpus · theme ${t.theme || "none"} · ` +
      (t.labelled ? "named in topics.labels" : "named by its top words"));
    drawWords();
    drawArticles();
    intervalChart("by-source", t.by_source, false, "No outlet in this corpus.");
    intervalChart("by-period", t.by_period, true, "No dates in this corpus.");
    document.querySelectorAll("#topic-list button").forEach((b) =>
      b.classList.toggle("selected", Number(b.dataset.topic) === t.topic));
  }
  function select(topicNumber, docId) {
    if (!(topicNumber >= 1 && topicNumber <= data.num_topics)) return;
    state.topic = topicNumber;
    drawTopic();
    drawTopicMap();
    if (state.colourBy === "topic") drawDocumentMap();
    if (docId) highlightDocument(docId);
    try {
      history.replaceState(null, "", `#topic=${topicNumber}`); // a link to this topic
    } catch (error) {
      // Inside the Snakemake report the page is a frame without a URL of its own.
    }
  }

  // ---------------------------------------------------------------- document map
  // WebGL draws thousands of points fast; where a browser has none (some headless or remote
  // sessions), the same points are drawn as SVG.
  const webgl = (() => {
    try {
      const canvas = document.createElement("canvas");
      return Boolean(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
    } catch (error) {
      return false;
    }
  })();
  function categoryOf(id, i) {
    const d = data.documents[id] || {};
    if (state.colourBy === "topic") return d.topic ? `topic ${d.topic}` : "none";
    if (state.colourBy === "theme") return d.theme || "none";
    return `cluster ${data.document_map.cluster[i]}`;
  }
  function drawDocumentMap() {
    const m = data.document_map;
    const order = new Map();
    m.doc_id.forEach((id, i) => {
      const key = categoryOf(id, i);
      if (!order.has(key)) order.set(key, []);
      order.get(key).push(i);
    });
    const keys = [...order.keys()].sort((a, b) =>
      a.localeCompare(b, "en", { numeric: true }));
    const traces = keys.map((key, c) => {
      const rows = order.get(key);
      const selected = state.colourBy === "topic" && key === `topic ${state.topic}`;
      return {
        type: webgl ? "scattergl" : "scatter", mode: "markers", name: key,
        x: rows.map((i) => m.x[i]), y: rows.map((i) => m.y[i]),
        customdata: rows.map((i) => m.doc_id[i]),
        hovertext: rows.map((i) => shorten((data.documents[m.doc_id[i]] || {}).title ||
          m.doc_id[i], 80)),
        hoverinfo: "text+name",
        marker: { size: (m.x.length > 500 ? 5 : 9) + (selected ? 2 : 0),
          opacity: selected ? 1 : 0.65,
          color: state.colourBy === "theme" && key !== "none" ? themeColour(key) :
            PALETTE[c % PALETTE.length] },
      };
    });
    traces.push({ type: "scatter", mode: "markers", name: "found", showlegend: false,
      hoverinfo: "skip", x: [], y: [],
      marker: { size: 14, symbol: "circle-open", color: "#000", line: { width: 2 } } });
    const layout = {
      margin: { l: 30, r: 10, t: 10, b: 30 }, font: { family: FONT }, hovermode: "closest",
      xaxis: { zeroline: false }, yaxis: { zeroline: false },
      legend: { orientation: "h", y: -0.1 },
    };
    return Plotly.react("document-map", traces, layout, PLOT_CONFIG);
  }
  function highlightDocument(id) {
    const i = data.document_map.doc_id.indexOf(id);
    const node = document.getElementById("document-map");
    const last = node.data.length - 1;
    Plotly.restyle(node, { x: [i < 0 ? [] : [data.document_map.x[i]]],
      y: [i < 0 ? [] : [data.document_map.y[i]]] }, [last]);
  }

  // ---------------------------------------------------------------- start
  function start() {
    document.getElementById("topic-count").textContent = data.num_topics;
    document.getElementById("document-count").textContent =
      data.num_documents.toLocaleString("en");
    const chosen = data.chosen;
    if (chosen.num_topics) {
      document.getElementById("chosen-note").textContent = ` (K = ${chosen.num_topics} chosen ` +
        `by the rule ${chosen.rule_applied || "given"}` +
        (chosen.at_edge ? "; at the edge of the K grid" : "") + ")";
    }
    const s = data.map_sample;
    document.getElementById("map-note").textContent = s.shown < s.mapped ?
      `A uniform sample of ${s.shown.toLocaleString("en")} of the ` +
      `${s.mapped.toLocaleString("en")} documents (random_state ${s.seed}; explorer.documents). ` +
      "Hover for the title." : "Every document; hover for the title.";
    document.getElementById("topic-list").replaceChildren(...data.topics.map((t) =>
      el("button", { type: "button", role: "listitem", "data-topic": t.topic },
        `${t.topic} · `, rtl(shorten(t.label, 40)), ` ${percent(t.prevalence)}`)));
    document.querySelectorAll("#topic-list button").forEach((b) =>
      b.addEventListener("click", () => select(Number(b.dataset.topic))));
    const slider = document.getElementById("lambda");
    slider.max = String(data.lambda_steps - 1);
    slider.value = String(state.step);
    slider.addEventListener("input", () => {
      state.step = Number(slider.value);
      drawWords();
    });
    document.getElementById("colour-by").addEventListener("change", (event) => {
      state.colourBy = event.target.value;
      drawDocumentMap();
    });
    document.getElementById("search").addEventListener("input", showSearch);
    const wanted = Number((location.hash.match(/topic=(\d+)/) || [])[1]) || 1;
    state.topic = Math.min(Math.max(wanted, 1), data.num_topics);
    drawTopic();
    Promise.all([drawTopicMap(), drawDocumentMap()]).then(() => {
      document.getElementById("topic-map").on("plotly_click", (event) => {
        const point = event.points.find((p) => p.customdata !== undefined);
        if (point) select(Number(point.customdata));
      });
      document.getElementById("document-map").on("plotly_click", (event) => {
        const id = event.points[0] && event.points[0].customdata;
        const d = id && data.documents[id];
        if (d && d.topic) select(d.topic, id);
      });
      window.explorerReady = true;
      document.body.dataset.ready = "true";
    });
  }
  start();
})();
