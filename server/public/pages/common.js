/* Shared by the public pages: county info, a JSON fetch helper, date formatting. No framework. */
(function () {
  'use strict';

  /** Calls the API; resolves { status, body } (body parsed as JSON when it is). Rejects only on a network error. */
  function api(method, url, body) {
    var init = { method: method, headers: { accept: 'application/json' }, credentials: 'omit' };
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      init.body = body; // multipart: the browser sets the content type with its boundary
    } else if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
        return { status: res.status, body: parsed };
      });
    });
  }

  /** '2026-12-01T23:59:59+08:00' → '2026年12月1日 23:59' (the server already gives Asia/Shanghai). */
  function formatTime(iso) {
    if (!iso) return '';
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(iso);
    if (!m) return iso;
    return m[1] + '年' + Number(m[2]) + '月' + Number(m[3]) + '日 ' + m[4] + ':' + m[5];
  }

  function errorMessage(r) {
    if (r && r.body && r.body.error && r.body.error.message) return r.body.error.message;
    return '服务暂时不可用，请稍后再试';
  }

  var infoPromise = api('GET', '/api/v1/public/info').then(function (r) {
    return r.status === 200 && r.body ? r.body : { countyName: '', hotlines: [], departments: [] };
  }, function () {
    return { countyName: '', hotlines: [], departments: [] };
  });

  infoPromise.then(function (info) {
    if (info.countyName) {
      var c = document.querySelectorAll('[data-county]');
      for (var i = 0; i < c.length; i++) c[i].textContent = info.countyName + ' · 政务服务';
    }
    if (info.hotlines && info.hotlines.length) {
      var h = document.querySelectorAll('[data-hotline]');
      for (var j = 0; j < h.length; j++) h[j].textContent = info.hotlines.join('、');
    }
  });

  window.BCS = { api: api, formatTime: formatTime, errorMessage: errorMessage, info: infoPromise };
})();
