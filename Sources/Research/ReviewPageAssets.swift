/// The review page's inline style sheet and script.
enum ReviewPageAssets {
  static let style = """
    body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#212529;background:#f8f9fa}
    header{position:sticky;top:0;background:#fff;border-bottom:1px solid #dee2e6;padding:10px 16px;z-index:2}
    h1{font-size:18px;margin:0 0 4px}#summary{margin:0 0 6px;color:#495057}
    #filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center}
    .pager{padding:6px 16px}.pager button{font:inherit}
    #grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(280px,1fr));gap:12px;padding:12px 16px}
    .card{background:#fff;border:1px solid #dee2e6;border-radius:6px;overflow:hidden;margin:0}
    .card.alert{border:2px solid #c92a2a}
    .frame{position:relative;background:#343a40}
    .frame img{display:block;width:100%;height:auto;aspect-ratio:auto 4/3;object-fit:fill}
    .box{position:absolute;border:2px solid;box-sizing:border-box;pointer-events:none}
    .box.below{border-style:dashed;opacity:.7}
    .box span{position:absolute;left:-2px;top:-18px;font-size:11px;line-height:16px;padding:0 3px;color:#fff;white-space:nowrap}
    .c1{border-color:#2b8a3e}.c1 span{background:#2b8a3e}
    .c2{border-color:#e03131}.c2 span{background:#e03131}
    .c3{border-color:#f08c00}.c3 span{background:#f08c00}
    figcaption{padding:6px 8px;font-size:12px;overflow-wrap:anywhere}
    figcaption .why{font-weight:600}
    .badge{display:inline-block;background:#c92a2a;color:#fff;border-radius:3px;padding:0 5px;margin-right:4px}
    .failed{padding:30px 8px;color:#fff;text-align:center}
    #empty-note{padding:24px 16px;color:#495057}
    """

  /// Renders one page of the filtered, pre-sorted rows. Rows are
  /// `[file, site, camera, date, flaggedMask, boxes, width, height, failure]` with boxes
  /// `[category, conf, x, y, w, h, atThreshold]` (`atThreshold` 1 or 0). Boxes below their
  /// threshold are drawn only with the "weaker boxes" toggle (`weak=1`). After each render the
  /// images in view are switched from lazy to eager loading, so every card on screen loads (a
  /// headless screenshot, too); the ones further down load lazily as they are scrolled to.
  static let script = #"""
    (function(){
    "use strict";
    var D = JSON.parse(document.getElementById("lookout-data").textContent);
    var rows = D.images, T = D.thresholds, names = {1:"animal",2:"person",3:"vehicle"};
    var bits = {animal:1, person:2, vehicle:4};
    var plural = {1:"animals",2:"people",3:"vehicles"};
    // Caption order: people, vehicles, animals; drawn the other way round, so people are on top.
    var rank = {2:0, 3:1, 1:2};
    var el = function(id){ return document.getElementById(id); };
    var state = {cls:"", site:"", camera:"", from:"", to:"", weak:false, page:1};
    function fillSelect(id, index){
      var seen = {}, values = [];
      for (var i = 0; i < rows.length; i++) { var v = rows[i][index]; if (v && !seen[v]) { seen[v] = 1; values.push(v); } }
      values.sort();
      var s = el(id);
      values.forEach(function(v){ var o = document.createElement("option"); o.value = v; o.textContent = v; s.appendChild(o); });
    }
    fillSelect("f-site", 1); fillSelect("f-camera", 2);
    function readHash(){
      state = {cls:"", site:"", camera:"", from:"", to:"", weak:false, page:1};
      var h = location.hash.replace(/^#/, "");
      h.split("&").forEach(function(kv){
        var p = kv.split("="); if (p.length !== 2) return;
        var k = decodeURIComponent(p[0]), v = decodeURIComponent(p[1]);
        if (k === "class") state.cls = v; else if (k === "weak") state.weak = v === "1";
        else if (k === "page") state.page = Math.max(1, parseInt(v, 10) || 1);
        else if (k in state) state[k] = v;
      });
      el("f-class").value = state.cls; el("f-site").value = state.site; el("f-camera").value = state.camera;
      el("f-from").value = state.from; el("f-to").value = state.to; el("f-weak").checked = state.weak;
    }
    function writeHash(){
      var parts = [];
      if (state.cls) parts.push("class=" + encodeURIComponent(state.cls));
      ["site","camera","from","to"].forEach(function(k){ if (state[k]) parts.push(k + "=" + encodeURIComponent(state[k])); });
      if (state.weak) parts.push("weak=1");
      if (state.page > 1) parts.push("page=" + state.page);
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
    }
    function matches(r){
      var c = state.cls;
      if (c === "failed") { if (r[8] === null) return false; }
      else if (c) {
        if (r[8] !== null) return false;
        if (c === "alerts") { if (!(r[4] & 6)) return false; }
        else if (c === "empty") { if (r[4] !== 0) return false; }
        else if (!(r[4] & bits[c])) return false;
      }
      if (state.site && r[1] !== state.site) return false;
      if (state.camera && r[2] !== state.camera) return false;
      var day = r[3].slice(0, 10);
      if (state.from && (!day || day < state.from)) return false;
      if (state.to && (!day || day > state.to)) return false;
      return true;
    }
    // The boxes to draw, bottom to top: weaker ones (only with the toggle), then animals,
    // vehicles and people, each class from its lowest confidence to its highest.
    function drawOrder(boxes){
      return boxes.filter(function(b){ return b[6] === 1 || state.weak; }).sort(function(a, b){
        if (a[6] !== b[6]) return a[6] - b[6];
        if (a[0] !== b[0]) return rank[b[0]] - rank[a[0]];
        return a[1] - b[1];
      });
    }
    // Why the image alerted: "person 0.57, 2 people; vehicle 0.71", from the boxes at or above
    // their threshold.
    function why(boxes){
      var parts = [];
      [2, 3, 1].forEach(function(cat){
        var strong = boxes.filter(function(b){ return b[0] === cat && b[6] === 1; });
        if (!strong.length) return;
        var best = Math.max.apply(null, strong.map(function(b){ return b[1]; }));
        parts.push(names[cat] + " " + best.toFixed(2) + (strong.length > 1 ? ", " + strong.length + " " + plural[cat] : ""));
      });
      return parts.join("; ");
    }
    function src(file){ return D.imageBase + file.split("/").map(encodeURIComponent).join("/"); }
    function card(r){
      var fig = document.createElement("figure");
      fig.className = "card" + ((r[4] & 6) ? " alert" : "");
      fig.setAttribute("data-file", r[0]);
      var frame = document.createElement("div"); frame.className = "frame";
      if (r[8] !== null) {
        var f = document.createElement("div"); f.className = "failed"; f.textContent = "could not be read: " + r[8];
        frame.appendChild(f);
      } else {
        var img = document.createElement("img");
        img.loading = "lazy"; img.decoding = "async"; img.alt = r[0];
        // A clip's row carries its shown frame, extracted beside the page (r[9], r[10]).
        img.src = (r.length > 9 && r[9] !== null) ? r[9].split("/").map(encodeURIComponent).join("/") : src(r[0]);
        if (r[6] && r[7]) { img.width = r[6]; img.height = r[7]; }
        frame.appendChild(img);
        drawOrder(r[5]).forEach(function(b){
          var box = document.createElement("div");
          var below = b[6] !== 1;
          box.className = "box c" + b[0] + (below ? " below" : "");
          box.style.left = (b[2] * 100) + "%"; box.style.top = (b[3] * 100) + "%";
          box.style.width = (b[4] * 100) + "%"; box.style.height = (b[5] * 100) + "%";
          var label = document.createElement("span"); label.textContent = names[b[0]] + " " + b[1].toFixed(2);
          if (b[3] < 0.08) label.style.top = "0";
          box.appendChild(label); frame.appendChild(box);
        });
      }
      fig.appendChild(frame);
      var cap = document.createElement("figcaption");
      if (r[4] & 6) { var badge = document.createElement("span"); badge.className = "badge"; badge.textContent = "ALERT"; cap.appendChild(badge); }
      var reason = why(r[5]);
      if (reason) { var strong = document.createElement("strong"); strong.className = "why"; strong.textContent = reason; cap.appendChild(strong); cap.appendChild(document.createElement("br")); }
      var where = [r[1], r[2]].filter(Boolean).join(" / ");
      var clip = r.length > 10 ? " · frame " + r[10] : "";
      cap.appendChild(document.createTextNode(r[0] + clip + (where ? " · " + where : "") + (r[3] ? " · " + r[3] : "")));
      fig.appendChild(cap);
      return fig;
    }
    function render(){
      var matched = [];
      for (var i = 0; i < rows.length; i++) if (matches(rows[i])) matched.push(i);
      var pages = Math.max(1, Math.ceil(matched.length / D.pageSize));
      if (state.page > pages) state.page = pages;
      var start = (state.page - 1) * D.pageSize;
      var grid = el("grid"), frag = document.createDocumentFragment();
      for (var k = start; k < Math.min(matched.length, start + D.pageSize); k++) frag.appendChild(card(rows[matched[k]]));
      grid.textContent = ""; grid.appendChild(frag);
      if (!matched.length) { var note = document.createElement("p"); note.id = "empty-note"; note.textContent = "No image matches these filters."; grid.appendChild(note); }
      var info = matched.length + " images match · page " + state.page + " of " + pages;
      el("page-info").textContent = info; el("page-info2").textContent = info;
      ["prev","prev2"].forEach(function(id){ el(id).disabled = state.page <= 1; });
      ["next","next2"].forEach(function(id){ el(id).disabled = state.page >= pages; });
      document.body.setAttribute("data-matched", matched.length);
      document.body.setAttribute("data-page", state.page);
      writeHash();
      loadImagesInView();
    }
    // Lazy images that are already on screen are loaded (and decoded for the next paint) at once:
    // Chromium may otherwise leave them grey (a headless screenshot, a slow machine). Grid order
    // is reading order, so the first image below the window ends the loop.
    function loadImagesInView(){
      var images = el("grid").getElementsByTagName("img");
      var bottom = window.innerHeight || document.documentElement.clientHeight;
      for (var i = 0; i < images.length; i++) {
        if (images[i].getBoundingClientRect().top > bottom) break;
        images[i].decoding = "sync"; images[i].loading = "eager";
      }
    }
    function go(delta){ state.page += delta; render(); window.scrollTo(0, 0); }
    el("prev").onclick = el("prev2").onclick = function(){ go(-1); };
    el("next").onclick = el("next2").onclick = function(){ go(1); };
    el("f-weak").onchange = function(){ state.weak = el("f-weak").checked; render(); };
    [["f-class","cls"],["f-site","site"],["f-camera","camera"],["f-from","from"],["f-to","to"]].forEach(function(p){
      el(p[0]).onchange = function(){ state[p[1]] = el(p[0]).value; state.page = 1; render(); };
    });
    window.addEventListener("hashchange", function(){ readHash(); render(); });
    readHash(); render();
    })();
    """#
}
