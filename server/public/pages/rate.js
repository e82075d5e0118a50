/* 好差评 by link: the reporter rates the four aspects of a completed case (one tap each). No personal data is shown. */
(function () {
  'use strict';
  var BCS = window.BCS;
  var ASPECTS = [['attitude', '服务态度'], ['result', '办理结果'], ['efficiency', '办理效率'], ['integrity', '廉洁勤政']];
  var CHOICES = [['satisfied', '满意'], ['basically_satisfied', '基本满意'], ['dissatisfied', '不满意']];
  var token = (new URLSearchParams(window.location.search).get('t') || '').slice(0, 100);
  var form = document.getElementById('rate');
  var err = document.getElementById('rateErr');
  var btn = document.getElementById('rateBtn');
  var url = '/api/v1/public/ratings/' + encodeURIComponent(token);

  function only(id) {
    ['loading', 'rate', 'thanks', 'gone'].forEach(function (x) { document.getElementById(x).hidden = x !== id; });
  }
  function text(id, v) { document.getElementById(id).textContent = v || '—'; }

  var box = document.getElementById('aspects');
  ASPECTS.forEach(function (a) {
    var fs = document.createElement('fieldset');
    fs.className = 'field';
    var lg = document.createElement('legend');
    lg.textContent = a[1];
    fs.appendChild(lg);
    var seg = document.createElement('div');
    seg.className = 'seg choices';
    CHOICES.forEach(function (c) {
      var label = document.createElement('label');
      var input = document.createElement('input');
      input.type = 'radio';
      input.name = a[0];
      input.value = c[0];
      label.appendChild(input);
      label.appendChild(document.createTextNode(c[1]));
      seg.appendChild(label);
    });
    fs.appendChild(seg);
    box.appendChild(fs);
  });

  function failed(r) {
    if (r.status === 404) only('gone');
    else { only('rate'); err.textContent = BCS.errorMessage(r); }
  }

  if (!token) only('gone');
  else BCS.api('GET', url).then(function (r) {
    if (r.status !== 200 || !r.body) return failed(r);
    text('rCaseNo', r.body.caseNo);
    text('rMatter', r.body.matter);
    text('rDept', r.body.departmentName);
    text('rResult', r.body.result);
    only('rate');
  }, function () { only('rate'); err.textContent = '网络异常，请检查网络后重试'; });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    err.textContent = '';
    var body = {};
    for (var i = 0; i < ASPECTS.length; i++) {
      var picked = form.querySelector('input[name="' + ASPECTS[i][0] + '"]:checked');
      if (!picked) { err.textContent = '请对“' + ASPECTS[i][1] + '”作出评价'; form.querySelector('input[name="' + ASPECTS[i][0] + '"]').focus(); return; }
      body[ASPECTS[i][0]] = picked.value;
    }
    var comment = document.getElementById('comment').value.trim();
    if (comment) body.comment = comment;
    btn.disabled = true;
    btn.textContent = '正在提交…';
    BCS.api('POST', url, body).then(function (r) {
      if (r.status === 200) {
        document.getElementById('thanksText').textContent = r.body && r.body.status === 'verifying'
          ? '您的评价已提交。对您不满意的方面，县行管办将会同有关部门核查处理。'
          : '您的评价已提交，本件已办结归档。';
        only('thanks');
      } else failed(r);
    }, function () { err.textContent = '网络异常，请检查网络后重试'; }).then(function () {
      btn.disabled = false;
      btn.textContent = '提交评价';
    });
  });
})();
