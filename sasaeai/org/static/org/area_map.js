// The area form's map: every town's representative point, coloured by whether it is in this
// area (checked), in another area, or in none. Clicking a point ticks or clears its checkbox in
// the list above (the list is the form; the map only helps to find towns). Works without
// tiles: the points are the map. No inline scripts (CSP).
(function () {
  "use strict";
  var element = document.getElementById("area-map");
  var dataNode = document.getElementById("area-map-data");
  if (!element || !dataNode || !window.L) { return; }
  var points = JSON.parse(dataNode.textContent || "[]");
  var areaId = element.getAttribute("data-area") ? Number(element.getAttribute("data-area")) : null;

  var map = L.map(element, { scrollWheelZoom: false, keyboard: true });
  var tileUrl = element.getAttribute("data-tile-url");
  if (tileUrl) {
    var tiles = L.tileLayer(tileUrl, { attribution: element.getAttribute("data-attribution"), maxZoom: 18 });
    tiles.on("tileerror", function () { element.classList.add("area-map--no-tiles"); });
    tiles.addTo(map);
  }
  map.attributionControl.addAttribution(element.getAttribute("data-points-attribution"));

  function checkbox(id) {
    return document.querySelector('input[name="towns"][value="' + id + '"]');
  }
  function style(point) {
    var box = checkbox(point.id);
    if (box && box.checked) {
      return { color: "#00118f", weight: 2, fillColor: "#3460fb", fillOpacity: 0.95 };
    }
    if (point.area && point.area !== areaId) {
      return { color: "#595959", weight: 2, fillColor: "#ffffff", fillOpacity: 0.9 };
    }
    return { color: "#8f4a00", weight: 2, fillColor: "#ffc27a", fillOpacity: 0.95 };
  }
  function label(point) {
    var box = checkbox(point.id);
    var state = box && box.checked ? "この圏域" : (point.area && point.area !== areaId ? "いまは" + point.areaName : "圏域が未設定");
    return point.name + "（" + state + "）";
  }

  var markers = {};
  var group = L.featureGroup();
  points.forEach(function (point) {
    var marker = L.circleMarker(
      [point.lat, point.lng],
      Object.assign({ radius: 9, className: "town-point town-point--" + point.id }, style(point))
    );
    marker.bindTooltip(function () { return label(point); });
    marker.on("click", function () {
      var box = checkbox(point.id);
      if (!box) { return; }
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    });
    markers[point.id] = { marker: marker, point: point };
    group.addLayer(marker);
  });
  group.addTo(map);
  if (points.length) {
    map.fitBounds(group.getBounds().pad(0.1), { maxZoom: 16 });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.name !== "towns") { return; }
    var entry = markers[box.value];
    if (entry) {
      entry.marker.setStyle(style(entry.point));
      entry.marker.setTooltipContent(label(entry.point));
    }
  });
})();
