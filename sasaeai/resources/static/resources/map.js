// The resource map: draws the result set embedded in the page (the same set as the list),
// coloured and lettered markers with a legend, popups linking to the record, a notice when
// tiles fail, and (on edit pages) picking the exact point by clicking. No inline scripts.
(function () {
  "use strict";
  var element = document.getElementById("resource-map");
  var dataNode = document.getElementById("resource-map-data");
  document.querySelectorAll("[data-swatch]").forEach(function (swatch) {
    swatch.style.backgroundColor = swatch.getAttribute("data-swatch");
  });
  if (!element || !dataNode || !window.L) { return; }
  var features = JSON.parse(dataNode.textContent || "[]");
  var DEFAULT_CENTER = [35.7088, 139.5636];  // 武蔵野市役所 (used only when nothing is drawn)

  // Quarter zoom steps: the first view fits the markers closely instead of falling back a
  // whole level, which left a city's places bunched in a blob in the middle of the map.
  var map = L.map(element, {
    scrollWheelZoom: false, keyboard: true, zoomSnap: 0.25, zoomDelta: 0.5, zoomControl: false,
  });
  // Leaflet's own words in Japanese (its defaults are English: Zoom in, Close popup …).
  var zoomControl = L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  map.on("popupopen", function (event) {
    var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", "閉じる"); close.setAttribute("title", "閉じる"); }
  });
  var tiles = L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-attribution"),
    maxZoom: 18,
  });
  var failures = 0;
  tiles.on("tileerror", function () {
    failures += 1;
    if (failures === 1) {
      var notice = document.getElementById("resource-map-tiles-failed");
      if (notice) { notice.hidden = false; }
      element.classList.add("resource-map--no-tiles");
    }
  });
  tiles.addTo(map);
  // Approximate positions are towns' representative points (geolonia, CC BY 4.0).
  if (element.getAttribute("data-points-attribution")) {
    map.attributionControl.addAttribution(element.getAttribute("data-points-attribution"));
  }

  // Markers are targets at least 24 px (44 px on the public finder) and never overlap: markers
  // closer than that on the screen are drawn as one group marker (WCAG 2.2, 2.5.8).
  var SIZE = element.closest(".finder") ? 44 : 32;

  function markerNode(className, text, color) {
    var node = document.createElement("span");
    node.className = className;
    if (color) { node.style.backgroundColor = color; }
    node.style.width = SIZE + "px";
    node.style.height = SIZE + "px";
    node.textContent = text;
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function divIcon(node) {
    var half = SIZE / 2;
    return L.divIcon({ html: node, className: "rmarker-icon", iconSize: [SIZE, SIZE], iconAnchor: [half, half], popupAnchor: [0, -half] });
  }

  function markerIcon(feature) {
    return divIcon(markerNode("rmarker" + (feature.precision === "exact" ? "" : " rmarker--approx"), feature.symbol, feature.color));
  }

  function popup(feature) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = feature.url;
    link.textContent = feature.name;
    link.className = "rmarker-popup__link";
    var strong = document.createElement("strong");
    strong.appendChild(link);
    box.appendChild(strong);
    var category = document.createElement("div");
    category.textContent = feature.symbol + "＝" + feature.category;
    box.appendChild(category);
    if (feature.precision !== "exact") {
      var note = document.createElement("div");
      note.textContent = feature.precision === "area"
        ? "個人宅のため、地域のおおよその位置に表示しています"
        : "位置はおおよそです（町の代表点）";
      box.appendChild(note);
    }
    return box;
  }

  var group = L.featureGroup();
  features.forEach(function (feature) {
    var marker = L.marker([feature.lat, feature.lon], {
      icon: markerIcon(feature),
      title: feature.name + "（" + feature.category + (feature.precision === "exact" ? "" : "・おおよその位置") + "）",
      alt: feature.name,
      keyboard: true,
      riseOnHover: true,
    });
    marker.bindPopup(popup(feature));
    marker.featureId = feature.id;
    marker.feature = feature;
    group.addLayer(marker);
  });
  // What is drawn: each marker on its own, or a group marker for those that would overlap
  // at this zoom. A group opens closer (or, where its places share one point, lists them).
  var shown = L.layerGroup().addTo(map);

  function groupPopup(members) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = "この場所の" + members.length + "件";
    box.appendChild(title);
    var list = document.createElement("ul");
    list.className = "rmarker-popup__list";
    members.forEach(function (marker) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = marker.feature.url;
      link.textContent = marker.feature.name;
      link.className = "rmarker-popup__link";
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  function drawMarkers() {
    shown.clearLayers();
    var zoom = map.getZoom();
    var clusters = [];
    group.getLayers().forEach(function (marker) {
      var point = map.project(marker.getLatLng(), zoom);
      var home = null;
      for (var i = 0; i < clusters.length && !home; i++) {
        if (Math.abs(clusters[i].point.x - point.x) < SIZE + 4 && Math.abs(clusters[i].point.y - point.y) < SIZE + 4) {
          home = clusters[i];
        }
      }
      if (home) { home.members.push(marker); } else { clusters.push({ point: point, members: [marker] }); }
    });
    clusters.forEach(function (cluster) {
      if (cluster.members.length === 1) { shown.addLayer(cluster.members[0]); return; }
      var bounds = L.latLngBounds(cluster.members.map(function (m) { return m.getLatLng(); }));
      var names = cluster.members.map(function (m) { return m.feature.name; });
      var many = L.marker(cluster.members[0].getLatLng(), {
        icon: divIcon(markerNode("rmarker rmarker--group", String(cluster.members.length))),
        title: "ここに" + cluster.members.length + "件（" + names.slice(0, 3).join("、") + (names.length > 3 ? "ほか" : "") + "）",
        alt: cluster.members.length + "件",
        keyboard: true,
      });
      var sharesOnePoint = bounds.getNorthEast().equals(bounds.getSouthWest());
      if (sharesOnePoint || zoom >= map.getMaxZoom()) {
        many.bindPopup(groupPopup(cluster.members));
      } else {
        many.on("click", function () { map.fitBounds(bounds.pad(0.3)); });
      }
      many.groupSize = cluster.members.length;
      shown.addLayer(many);
    });
    element.setAttribute("data-drawn", String(clusters.length));
  }

  // The room the zoom buttons take in the top left corner, measured (side by side on a phone,
  // stacked on a desk): markers are fitted beside them when stacked, below them when side by
  // side, so that no marker is ever partly under a button.
  function clearOfZoomButtons() {
    var box = zoomControl.getContainer().getBoundingClientRect();
    var frame = element.getBoundingClientRect();
    var right = box.right - frame.left, bottom = box.bottom - frame.top;
    if (box.width > box.height) { return [SIZE, bottom + SIZE + 4]; }
    return [right + SIZE / 2 + 4, SIZE];
  }

  if (features.length) {
    // Room round the edge so that no marker sits under the zoom buttons or the attribution.
    map.fitBounds(group.getBounds(), {
      maxZoom: 16,
      paddingTopLeft: clearOfZoomButtons(),
      paddingBottomRight: [SIZE, SIZE + 48],
    });
  } else {
    map.setView(DEFAULT_CENTER, 13);
  }
  drawMarkers();
  map.on("zoomend", drawMarkers);
  element.setAttribute("data-markers", String(group.getLayers().length));
  window.sasaeaiResourceMap = { map: map, markers: group };

  // Picking the exact point: a click fills the latitude and longitude inputs.
  var latId = element.getAttribute("data-pick-lat");
  var lonId = element.getAttribute("data-pick-lon");
  if (latId && lonId) {
    var latInput = document.getElementById(latId);
    var lonInput = document.getElementById(lonId);
    var approx = document.getElementById("id_is_approximate");
    var picked = null;
    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(6);
      var lon = event.latlng.lng.toFixed(6);
      if (latInput) { latInput.value = lat; }
      if (lonInput) { lonInput.value = lon; }
      if (approx) { approx.checked = false; }
      var node = document.createElement("span");
      node.className = "rmarker rmarker--picked";
      node.textContent = "＋";
      var icon = L.divIcon({ html: node, className: "rmarker-icon", iconSize: [28, 28], iconAnchor: [14, 14] });
      if (picked) { picked.setLatLng(event.latlng); } else { picked = L.marker(event.latlng, { icon: icon, title: "指定した位置" }).addTo(map); }
      var help = document.getElementById("resource-map-count");
      if (help) { help.textContent = "指定した位置: 緯度 " + lat + "、経度 " + lon + "（保存するまで確定しません）"; }
    });
  }
})();
