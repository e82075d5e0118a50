/* Online report (网上反映): validates what it can, posts, shows the case number. */
(function () {
  'use strict';
  var BCS = window.BCS;
  var form = document.getElementById('report');
  var done = document.getElementById('done');
  var submit = document.getElementById('submit');
  var enterprise = form.querySelector('.enterprise');
  var dept = document.getElementById('department');

  BCS.info.then(function (info) {
    (info.departments || []).forEach(function (d) {
      var o = document.createElement('option');
      o.value = d.code;
      o.textContent = d.name;
      dept.appendChild(o);
    });
  });

  function kind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : 'person';
  }
  function syncKind() { enterprise.hidden = kind() !== 'enterprise'; }
  Array.prototype.forEach.call(form.querySelectorAll('input[name="kind"]'), function (r) { r.addEventListener('change', syncKind); });
  syncKind();

  function value(id) { return document.getElementById(id).value.trim(); }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll('.err'), function (p) { p.textContent = ''; });
    Array.prototype.forEach.call(form.querySelectorAll('.invalid'), function (f) { f.classList.remove('invalid'); });
  }

  var firstInvalid = null;
  function showError(field, message) {
    var p = form.querySelector('.err[data-for="' + field + '"]') || form.querySelector('.err[data-for="(form)"]');
    p.textContent = p.textContent ? p.textContent + '；' + message : message;
    var box = p.closest('.field');
    if (box) {
      box.classList.add('invalid');
      if (!firstInvalid) firstInvalid = box.querySelector('input, textarea, select');
    }
  }

  function check(body) {
    var ok = true;
    function need(cond, field, msg) { if (!cond) { showError(field, msg); ok = false; } }
    need(body.reporter.name, 'reporter.name', '请填写姓名');
    var phone = body.reporter.phone.replace(/[\s-]/g, '');
    need(phone, 'reporter.phone', '请填写手机号码');
    if (phone) need(/^(\+?86)?1[3-9]\d{9}$/.test(phone) || /^0\d{9,11}$/.test(phone), 'reporter.phone', '请填写正确的手机号码');
    if (body.reporter.kind === 'enterprise') {
      need(body.reporter.orgName, 'reporter.orgName', '请填写企业名称');
      need(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/i.test(body.reporter.orgCode || ''), 'reporter.orgCode', '请填写 18 位统一社会信用代码');
    }
    need(body.matter, 'matter', '请填写想办的事项');
    need(body.description, 'description', '请填写您的诉求');
    need(body.consent === true, 'consent', '请阅读并同意个人信息使用说明');
    return ok;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors();
    firstInvalid = null;
    var k = kind();
    var body = {
      reporter: { name: value('name'), phone: value('phone'), kind: k },
      matter: value('matter'),
      departmentCodes: dept.value ? [dept.value] : [],
      description: value('description'),
      consent: document.getElementById('consent').checked,
    };
    if (k === 'enterprise') {
      body.reporter.orgName = value('orgName');
      body.reporter.orgCode = value('orgCode').toUpperCase();
    }
    var reason = value('reason');
    if (reason) body.reason = reason;
    if (!check(body)) {
      if (firstInvalid) firstInvalid.focus();
      return;
    }
    var picked = document.getElementById('files').files;
    if (picked && picked.length > 3) {
      showError('file', '至多上传 3 个文件');
      document.getElementById('files').focus();
      return;
    }
    var payload = body;
    if (picked && picked.length) {
      // With photos: multipart, the report as JSON in `case` and each file in `file`.
      payload = new FormData();
      payload.append('case', JSON.stringify(body));
      for (var i = 0; i < picked.length; i++) payload.append('file', picked[i], picked[i].name);
    }
    submit.disabled = true;
    submit.textContent = '正在提交…';
    BCS.api('POST', '/api/v1/public/cases', payload).then(function (r) {
      if (r.status === 201 && r.body) {
        showDone(r.body);
        return;
      }
      if (r.status === 400 && r.body && r.body.error && Array.isArray(r.body.error.details)) {
        r.body.error.details.forEach(function (d) { showError(d.field, d.message); });
        if (firstInvalid) firstInvalid.focus();
      } else {
        showError('(form)', BCS.errorMessage(r));
      }
    }, function () {
      showError('(form)', '网络异常，请检查网络后重试');
    }).then(function () {
      submit.disabled = false;
      submit.textContent = '提交反映';
    });
  });

  function showDone(r) {
    document.getElementById('caseNo').textContent = r.caseNo;
    document.getElementById('receivedAt').textContent = BCS.formatTime(r.receivedAt);
    document.getElementById('statusText').textContent = r.statusText || '';
    document.getElementById('trackLink').href = '/public/track?caseNo=' + encodeURIComponent(r.caseNo);
    form.hidden = true;
    done.hidden = false;
    window.scrollTo(0, 0);
  }
})();
