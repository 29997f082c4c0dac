// The gap map: towns' representative points as circles sized by residents 65+ and shaded by
// gap score, weekly places as points with their walking reach. The same figures are in the
// table below the map. No inline scripts.
(function () {
  "use strict";
  var element = document.getElementById("gap-map");
  var dataNode = document.getElementById("gap-map-data");
  if (!element || !dataNode || !window.L) { return; }
  var layer = JSON.parse(dataNode.textContent || "{}");
  var COLORS = ["#fff3e0", "#ffcc80", "#ff9800", "#e65100", "#8c2d04"];
  var map = L.map(element, { scrollWheelZoom: false, keyboard: true, zoomSnap: 0.25, zoomControl: false });
  L.control.zoom({ zoomInTitle: "拡大", zoomOutTitle: "縮小" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" lang="en">Leaflet</a>');
  map.on("popupopen", function (event) {
    var close = event.popup.getElement() && event.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", "閉じる"); close.setAttribute("title", "閉じる"); }
  });
  var tiles = L.tileLayer(element.getAttribute("data-tile-url"), {
    attribution: element.getAttribute("data-attribution"), maxZoom: 18,
  });
  tiles.on("tileerror", function () {
    var notice = document.getElementById("gap-map-tiles-failed");
    if (notice) { notice.hidden = false; }
  });
  tiles.addTo(map);
  var bounds = [];
  (layer.places || []).forEach(function (place) {
    L.circle([place.lat, place.lon], {
      radius: layer.reach_m, color: "#0d47a1", weight: 1, fillOpacity: 0.06, interactive: false,
    }).addTo(map);
  });
  function text(value) { var span = document.createElement("span"); span.textContent = value; return span.innerHTML; }
  (layer.towns || []).forEach(function (town) {
    var radius = Math.max(12, Math.min(30, Math.sqrt(town.residents_65_plus) * 0.9));
    var marker = L.circleMarker([town.lat, town.lon], {
      radius: radius, color: "#3d1a00", weight: 2, fillColor: COLORS[town.level] || COLORS[0], fillOpacity: 0.85,
    }).addTo(map);
    marker.bindPopup(
      "<strong>" + text(town.rank + "位 " + town.name) + "</strong><br>" +
      text("65歳以上 " + town.residents_65_plus + "人、徒歩圏内の週1回以上の通いの場 " +
           (town.weekly_places_within ? town.weekly_places_within + "か所" : "なし") +
           "、空白度 " + town.gap_score + (town.approximate ? "（概算）" : "")) +
      '<br><a href="#town-' + text(town.key) + '">表で見る</a>'
    );
    bounds.push([town.lat, town.lon]);
  });
  (layer.places || []).forEach(function (place) {
    L.circleMarker([place.lat, place.lon], {
      radius: 12, color: "#ffffff", weight: 2, fillColor: "#0d47a1", fillOpacity: 1,
    }).addTo(map).bindPopup(text(place.name));
    bounds.push([place.lat, place.lon]);
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [24, 24] }); } else { map.setView([35.7088, 139.5636], 13); }
})();
