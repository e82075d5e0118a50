/* Progress lookup (进度查询): case number + last 4 digits of the phone. Shows no personal data. */
(function () {
  'use strict';
  var BCS = window.BCS;
  var form = document.getElementById('lookup');
  var caseNoInput = document.getElementById('caseNo');
  var digitsInput = document.getElementById('phoneLast4');
  var err = document.getElementById('lookupErr');
  var btn = document.getElementById('lookupBtn');
  var result = document.getElementById('result');

  var params = new URLSearchParams(window.location.search);
  var pre = params.get('caseNo');
  if (pre) {
    caseNoInput.value = pre.slice(0, 20);
    digitsInput.focus();
  }

  function text(id, v) { document.getElementById(id).textContent = v || '—'; }

  function show(c) {
    text('rCaseNo', c.caseNo);
    var badge = document.getElementById('rStatus');
    badge.textContent = c.statusLabel;
    badge.className = 'badge' + (['completed', 'verifying', 'closed'].indexOf(c.status) >= 0 ? ' done' : c.status === 'rejected' ? ' rejected' : '');
    text('rStatusText', c.statusText);
    text('rMatter', c.matter);
    text('rReceived', BCS.formatTime(c.receivedAt));
    text('rDept', c.department || (c.status === 'rejected' ? '' : '尚未交办'));
    text('rDue', c.dueAt ? BCS.formatTime(c.dueAt) + (c.overdue ? '（已超过办理时限，县行管办正在督办）' : '') : '');
    document.getElementById('rDue').className = c.overdue ? 'overdue' : '';
    text('rCompleted', c.completedAt ? BCS.formatTime(c.completedAt) : '');
    var box = document.getElementById('rReplyBox');
    var route = document.getElementById('rRoute');
    box.hidden = !c.reply;
    box.className = 'reply' + (c.status === 'rejected' ? ' rejected' : '');
    document.getElementById('rReplyTitle').textContent = c.status === 'rejected' ? '不予受理说明' + (c.rejectReason ? '（' + c.rejectReason + '）' : '') : '办理结果答复';
    document.getElementById('rReply').textContent = c.reply || '';
    route.hidden = !c.appealRoute;
    route.textContent = c.appealRoute || '';
    // Completed and awaiting the callback: the reporter may rate the result here (好差评).
    var rate = document.getElementById('rRate');
    rate.hidden = !c.ratingPath;
    if (c.ratingPath) rate.setAttribute('href', c.ratingPath);
    else rate.removeAttribute('href');
    var list = document.getElementById('rProgress');
    while (list.firstChild) list.removeChild(list.firstChild);
    (c.progress || []).forEach(function (p) {
      var li = document.createElement('li');
      var t = document.createElement('time');
      t.textContent = BCS.formatTime(p.at);
      li.appendChild(t);
      li.appendChild(document.createTextNode(p.text));
      list.appendChild(li);
    });
    result.hidden = false;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    err.textContent = '';
    var caseNo = caseNoInput.value.trim();
    var digits = digitsInput.value.trim();
    if (!/^\d{4}-\d{6}$/.test(caseNo)) { err.textContent = '请输入正确的反映件编号，如 2026-000123'; caseNoInput.focus(); return; }
    if (!/^\d{4}$/.test(digits)) { err.textContent = '请输入手机号码后四位（4 位数字）'; digitsInput.focus(); return; }
    btn.disabled = true;
    btn.textContent = '正在查询…';
    result.hidden = true;
    BCS.api('GET', '/api/v1/public/cases/' + encodeURIComponent(caseNo) + '?phoneLast4=' + encodeURIComponent(digits)).then(function (r) {
      if (r.status === 200 && r.body) {
        show(r.body);
        if (window.history && window.history.replaceState) window.history.replaceState(null, '', '/public/track?caseNo=' + encodeURIComponent(caseNo));
      } else if (r.status === 404) {
        err.textContent = '未查到该反映件，请核对编号和手机号码后四位';
      } else {
        err.textContent = BCS.errorMessage(r);
      }
    }, function () {
      err.textContent = '网络异常，请检查网络后重试';
    }).then(function () {
      btn.disabled = false;
      btn.textContent = '查询';
    });
  });
})();
