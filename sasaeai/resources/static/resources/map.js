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
  L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(map);
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

  function markerIcon(feature) {
    var node = document.createElement("span");
    node.className = "rmarker" + (feature.precision === "exact" ? "" : " rmarker--approx");
    node.style.backgroundColor = feature.color;
    node.textContent = feature.symbol;
    node.setAttribute("aria-hidden", "true");
    return L.divIcon({ html: node, className: "rmarker-icon", iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14] });
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
    group.addLayer(marker);
  });
  group.addTo(map);
  if (features.length) {
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView(DEFAULT_CENTER, 13);
  }
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
