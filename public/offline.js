// Keeps an eSIM page for offline installs: registers the service worker and stores this page.
(function () {
  if (!('serviceWorker' in navigator) || !('caches' in window)) return;
  var page = location.pathname;
  navigator.serviceWorker.register('/sw.js').then(function () {
    return navigator.serviceWorker.ready;
  }).then(function () {
    if (navigator.serviceWorker.controller) return caches.match(page);
    return caches.open('tern-offline-v1').then(function (cache) {
      return cache.add(page).then(function () { return true; });
    });
  }).then(function (saved) {
    var hint = document.getElementById('offline-ready');
    if (saved && hint) hint.hidden = false;
  }).catch(function () {});
})();
