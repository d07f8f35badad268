// The sign-in pages' one script. It sends each form to the service's JSON API with the
// session cookie, the CSRF header and `X-Token-Delivery: session`, and goes where the answer's
// `next_step` says. It never sees a token: the answers a browser gets hold none, even where a
// CDN strips the `Origin` and `Sec-Fetch-Site` the service would know a browser by.

const page = document.body.dataset.page;
const messages = JSON.parse(document.getElementById('messages').textContent);
const status = document.getElementById('status');

// What the next page needs to know of a pending sign-in (never a secret).
const memory = {
  get: (key) => sessionStorage.getItem(`cognito-bff.${key}`),
  set: (key, value) => sessionStorage.setItem(`cognito-bff.${key}`, value),
  remove: (key) => sessionStorage.removeItem(`cognito-bff.${key}`),
  // Forgets the sign-in under way, all but the keys named.
  clear: (...keep) => Object.keys(sessionStorage)
    .filter((key) => key.startsWith('cognito-bff.'))
    .filter((key) => !keep.includes(key.slice('cognito-bff.'.length)))
    .forEach((key) => sessionStorage.removeItem(key)),
};

const text = (key, values = {}) =>
  (messages[key] || '').replace(/\{(\w+)\}/g, (_, name) => values[name] ?? '');

// How many other devices a change signed out, as a sentence; nothing for none.
function signedOut(count) {
  if (!(Number.isSafeInteger(count) && count > 0)) return '';
  return text(count === 1 ? 'signed-out-other' : 'signed-out-others', { count });
}

const sentences = (...parts) => parts.filter(Boolean).join(' ');

// A notice for the page the user is sent to: message keys, shown in order, and how many other
// devices were signed out (a number, for `signed-out`).
function leaveNotice(keys, count = 0) {
  memory.set('notice', keys.join(' '));
  if (Number.isSafeInteger(count) && count > 0) memory.set('count', String(count));
}

async function api(path, { method = 'POST', body } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    // A session, never tokens, whatever Origin and Sec-Fetch-Site a CDN lets through.
    headers: { 'x-csrf': '1', 'x-token-delivery': 'session' },
  };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(data?.code || 'other');
    error.problem = data || {};
    throw error;
  }
  return data;
}

function show(message, kind = 'info') {
  status.textContent = message;
  status.className = `status ${kind}`;
  status.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => { p.hidden = true; p.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
  show('');
}

// Codes that are about what was typed into a form's code field.
const CODE_ERRORS = ['code_mismatch', 'code_expired'];

// The input a refusal is about: the one it names (a challenge answer is named
// `responses.<NAME>`, and each sign-in step's form has one input), or the code field.
function fieldOf(form, error) {
  if (!form) return null;
  const named = error.problem?.field;
  if (named) {
    return form.querySelector(`[name="${CSS.escape(named)}"]`)
      || (named.startsWith('responses.') ? form.querySelector('input') : null);
  }
  return CODE_ERRORS.includes(error.message) ? form.querySelector('[name="code"]') : null;
}

// A refusal: next to the field it is about when there is one, else at the top; keyboard focus
// goes where the user has to act. A refusal that names the next step leads there.
function showError(form, error) {
  const code = error.message;
  const message = messages[`error.${code}`] || messages['error.other'];
  const field = fieldOf(form, error);
  if (field) {
    const place = document.getElementById(`${field.id}-error`);
    place.textContent = message;
    place.hidden = false;
    field.setAttribute('aria-invalid', 'true');
    field.focus();
  } else {
    show(message, 'error');
    status.focus();
  }
  if (code === 'challenge_expired' || code === 'no_session') {
    memory.clear('return_to');
    memory.set('notice', `error.${code}`);
    location.href = '/ui/sign-in';
  } else if (STEPS[error.problem?.next_step]) {
    memory.set('notice', `error.${code}`);
    location.href = STEPS[error.problem.next_step];
  }
}

const values = (form) => Object.fromEntries(new FormData(form).entries());

const STEPS = {
  CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED: '/ui/sign-in/new-password',
  CONFIRM_SIGN_IN_WITH_TOTP_CODE: '/ui/sign-in/totp',
  CONFIRM_SIGN_IN_WITH_SMS_CODE: '/ui/sign-in/code',
  CONFIRM_SIGN_IN_WITH_EMAIL_CODE: '/ui/sign-in/code',
  CONTINUE_SIGN_IN_WITH_MFA_SELECTION: '/ui/sign-in/select-mfa',
  CONTINUE_SIGN_IN_WITH_TOTP_SETUP: '/ui/sign-in/totp-setup',
  CONFIRM_SIGN_UP: '/ui/sign-up/confirm',
  RESET_PASSWORD: '/ui/password/forgot',
};

// What the account page finishes by itself after a sign-in it asked for: the changes that need
// a recent sign-in, by the name of their form. Nothing else is ever run from memory.
const RESUMABLE = ['totp-start', 'totp-off'];

// A change that needs a recent sign-in: to the sign-in page with the username filled in, and,
// once signed in, back to the account page to finish `action` (when it is resumable). Until
// then it is `resume_after`; the sign-in makes it `resume`, which the account page runs once.
function signInAgain(action) {
  memory.clear('username');
  if (RESUMABLE.includes(action)) memory.set('resume_after', action);
  leaveNotice(['recent-sign-in']);
  location.href = '/ui/sign-in';
}

// Where a sign-in step leads: the next page, or, once signed in, where the user was going (the
// account page, when it sent the user to sign in again for a change it then finishes).
function follow(answer) {
  if (answer.next_step === 'DONE') {
    const resume = memory.get('resume_after');
    const back = resume ? '/ui/account' : memory.get('return_to') || '/ui/account';
    // Kept on purpose: the username, to fill in when asked to sign in again.
    memory.clear('username');
    if (resume) memory.set('resume', resume);
    location.href = back;
    return;
  }
  memory.set('challenge', answer.challenge || '');
  // Only what the next page shows: where a code went, and which methods may be chosen.
  const { CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE } = answer.parameters || {};
  memory.set('parameters', JSON.stringify({ CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE }));
  if (STEPS[answer.next_step]) {
    location.href = STEPS[answer.next_step];
  } else {
    // A step these pages don't carry (a custom challenge): said, not looped.
    show(messages['error.other'], 'error');
    status.focus();
  }
}

function showSecret(box, setup) {
  box.querySelector('.qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`;
  box.querySelector('.totp-key').textContent = setup.secret;
  box.hidden = false;
}

const answer = (responses, extra = {}) => api('/challenge', { body: { responses, ...extra } });

// The "remember this device" box of a code page.
const remembering = (fields) => ({ remember_device: fields.remember_device === 'true' });

const actions = {
  'sign-in': async ({ username, password }) => {
    // A change is finished only for the user who asked for it.
    if (username !== memory.get('username')) memory.remove('resume_after');
    memory.set('username', username);
    follow(await api('/login', { body: { username, password } }));
  },
  'new-password': async ({ password }) => follow(await answer({ NEW_PASSWORD: password })),
  totp: async (fields) => follow(
    await answer({ SOFTWARE_TOKEN_MFA_CODE: fields.code.trim() }, remembering(fields)),
  ),
  code: async (fields) => {
    const code = fields.code;
    const name = memory.get('challenge') === 'EMAIL_OTP' ? 'EMAIL_OTP_CODE'
      : memory.get('challenge') === 'SMS_OTP' ? 'SMS_OTP_CODE' : 'SMS_MFA_CODE';
    follow(await answer({ [name]: code.trim() }, remembering(fields)));
  },
  'select-mfa': async ({ mfa }) => follow(await answer({ ANSWER: mfa })),
  'totp-setup': async ({ code }) => follow(await answer({ TOTP_CODE: code.trim() })),
  'sign-up': async ({ username, email, password }) => {
    const done = await api('/signup', { body: { username, password, attributes: { email } } });
    memory.set('username', username);
    if (done.code_delivery?.destination) memory.set('destination', done.code_delivery.destination);
    location.href = done.next_step === 'DONE' ? '/ui/sign-in' : '/ui/sign-up/confirm';
  },
  confirm: async ({ username, code }) => {
    await api('/signup/confirm', { body: { username, code: code.trim() } });
    leaveNotice(['confirmed']);
    location.href = '/ui/sign-in';
  },
  resend: async () => {
    const username = document.querySelector('[data-action="confirm"] [name="username"]').value;
    const sent = await api('/signup/resend', { body: { username } });
    show(text('code-sent', { destination: sent.code_delivery?.destination || '' }));
  },
  forgot: async ({ username }) => {
    const sent = await api('/password/forgot', { body: { username } });
    memory.set('username', username);
    if (sent.code_delivery?.destination) memory.set('destination', sent.code_delivery.destination);
    location.href = '/ui/password/reset';
  },
  reset: async ({ username, code, new_password }) => {
    const done = await api('/password/reset', { body: { username, code: code.trim(), new_password } });
    leaveNotice(['password-reset', 'signed-out', 'sign-in-now'], done?.signed_out_others);
    location.href = '/ui/sign-in';
  },
  profile: async ({ name, nickname }) => {
    const attributes = {};
    if (name) attributes.name = name;
    if (nickname) attributes.nickname = nickname;
    await api('/me', { method: 'PATCH', body: { attributes } });
    show(text('saved'));
  },
  'change-password': async (fields, form) => {
    const changed = await api('/password/change', { body: fields });
    form.reset();
    await changedThen('password-changed', changed);
  },
  'totp-start': async () => {
    showSecret(document.getElementById('totp-account'), await api('/mfa/totp/setup'));
    document.querySelector('[data-action="totp-verify"]').hidden = false;
  },
  'totp-verify': async ({ code }, form) => {
    const enabled = await api('/mfa/totp/verify', { body: { code: code.trim() } });
    form.hidden = true;
    document.getElementById('totp-account').hidden = true;
    showTotp(true);
    await changedThen('totp-enabled', enabled);
  },
  'totp-off': async () => {
    const disabled = await api('/mfa/totp', { method: 'DELETE' });
    showTotp(false);
    await changedThen('totp-disabled', disabled);
  },
  'end-others': async () => {
    const ended = await api('/sessions', { method: 'DELETE' });
    show(text('sessions-ended', { count: ended.ended }));
    await listSessions();
  },
  'sign-out': async () => {
    await api('/logout', {});
    memory.clear();
    location.href = '/ui/sign-in';
  },
};

// The authenticator app as it is: the button that turns it on, or the one that turns it off.
function showTotp(on) {
  document.querySelector('[data-action="totp-start"]').hidden = on;
  document.querySelector('[data-action="totp-off"]').hidden = !on;
}

// A change of password or MFA made: said, with the other devices it signed out. The session
// this page used either goes on under a new id (the list is shown again) or is over, and the
// user signs in again, told that the change stands.
async function changedThen(done, answer) {
  if (answer?.session === 'ended') {
    memory.clear('username');
    leaveNotice([done, 'signed-out', 'sign-in-again'], answer.signed_out_others);
    location.href = '/ui/sign-in';
    return;
  }
  show(sentences(text(done), signedOut(answer?.signed_out_others)));
  await listSessions();
}

// The action the account page is finishing after a sign-in it asked for.
let resuming = null;

for (const form of document.querySelectorAll('form[data-action]')) {
  const button = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.getAttribute('aria-disabled') === 'true') return;
    const action = form.dataset.action;
    const resumed = resuming === action;
    resuming = null;
    clearErrors(form);
    // Not `disabled`: a disabled button loses keyboard focus.
    button.setAttribute('aria-disabled', 'true');
    try {
      await actions[action](values(form), form);
    } catch (error) {
      if (error.message === 'recent_sign_in_required' && !resumed) {
        signInAgain(action);
      } else {
        // Refused even just after signing in again: said here, not looped.
        showError(form, error.message === 'recent_sign_in_required' ? new Error('other') : error);
      }
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  // Rendered disabled, so nothing is sent before this script runs.
  button.disabled = false;
}

async function listSessions() {
  const list = document.getElementById('sessions');
  const { sessions } = await api('/sessions', { method: 'GET' });
  list.replaceChildren(...sessions.map((session) => {
    const item = document.createElement('li');
    item.dataset.session = session.id;
    const device = document.createElement('span');
    device.className = 'device';
    device.textContent = session.current ? `${session.device} (${text('this-device')})` : session.device;
    const seen = document.createElement('span');
    seen.className = 'seen';
    seen.textContent = `${text('last-active')}: ${new Date(session.last_seen_at * 1000).toLocaleString(document.documentElement.lang)} · ${session.ip}`;
    item.append(device, seen);
    if (!session.current) {
      const end = document.createElement('button');
      end.type = 'button';
      end.className = 'secondary';
      end.textContent = document.querySelector('[data-action="sign-out"] button').textContent;
      end.setAttribute('aria-label', `${end.textContent}: ${session.device}`);
      end.addEventListener('click', async () => {
        try {
          await api(`/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
          await listSessions();
        } catch (error) {
          showError(null, error);
        }
      });
      item.append(end);
    }
    return item;
  }));
}

// The user's devices, where the pool tracks them; the section stays hidden when there are none.
async function listDevices() {
  const list = document.getElementById('devices');
  const { devices } = await api('/me/devices', { method: 'GET' });
  document.getElementById('devices-section').hidden = devices.length === 0;
  const when = (seconds) => new Date(seconds * 1000).toLocaleString(document.documentElement.lang);
  list.replaceChildren(...devices.map((device) => {
    const item = document.createElement('li');
    item.dataset.device = device.key;
    const name = document.createElement('span');
    name.className = 'device';
    const label = device.name || device.key;
    name.textContent = device.current ? `${label} (${text('this-device')})` : label;
    const seen = document.createElement('span');
    seen.className = 'seen';
    seen.textContent = sentences(
      device.remembered ? text('remembered') : '',
      device.last_used_at ? `${text('last-used')}: ${when(device.last_used_at)}` : '',
    );
    const forget = document.createElement('button');
    forget.type = 'button';
    forget.className = 'secondary';
    forget.textContent = text('forget-device');
    forget.setAttribute('aria-label', `${forget.textContent}: ${label}`);
    forget.addEventListener('click', async () => {
      try {
        await api(`/me/devices/${encodeURIComponent(device.key)}`, { method: 'DELETE' });
        show(text('device-forgotten'));
        await listDevices();
      } catch (error) {
        showError(null, error);
      }
    });
    item.append(name, seen, forget);
    return item;
  }));
}

// What each page shows when it opens.
async function open() {
  const notice = memory.get('notice');
  if (notice) {
    const count = Number(memory.get('count'));
    const said = notice.split(' ').map((key) => (key === 'signed-out' ? signedOut(count) : text(key)));
    show(sentences(...said), notice.startsWith('error.') ? 'error' : 'info');
    memory.remove('notice');
    memory.remove('count');
  }
  if (page === 'sign-in') {
    if (document.body.dataset.return) {
      memory.set('return_to', document.body.dataset.return);
    } else if (!notice) {
      memory.remove('return_to');
    }
  }
  for (const input of document.querySelectorAll('input[name="username"]')) {
    if (!input.value && memory.get('username')) input.value = memory.get('username');
  }
  const destination = document.getElementById('code-destination');
  const parameters = JSON.parse(memory.get('parameters') || '{}');
  const where = memory.get('destination') || parameters.CODE_DELIVERY_DESTINATION;
  if (destination && where) {
    destination.textContent = text('code-sent', { destination: where });
    destination.hidden = false;
  }
  if (page === 'select-mfa' && parameters.MFAS_CAN_CHOOSE) {
    const offered = JSON.stringify(parameters.MFAS_CAN_CHOOSE);
    for (const choice of document.querySelectorAll('input[name="mfa"]')) {
      choice.closest('label').hidden = !offered.includes(choice.value);
    }
  }
  if (page === 'totp-setup') {
    try {
      showSecret(document.getElementById('totp-setup'), await api('/challenge/totp'));
    } catch (error) {
      showError(null, error);
    }
  }
  if (page === 'account') {
    // A change to finish only just after signing in: one abandoned on the way is forgotten.
    const resume = memory.get('resume');
    memory.remove('resume');
    memory.remove('resume_after');
    try {
      const session = await api('/session', { method: 'GET' });
      document.getElementById('whoami').textContent = session.user.attributes.email || session.user.username;
      const me = await api('/me', { method: 'GET' });
      if (Array.isArray(me.mfa?.enabled)) showTotp(me.mfa.enabled.includes('TOTP'));
      for (const name of ['name', 'nickname']) {
        const input = document.querySelector(`[data-action="profile"] [name="${name}"]`);
        if (typeof me.attributes[name] === 'string') input.value = me.attributes[name];
      }
      await listSessions();
      // A list that can't be had now leaves the section hidden, and the page works on.
      await listDevices().catch(() => {});
      // Back from signing in again: the change the user asked for, as if they asked again.
      if (RESUMABLE.includes(resume)) {
        resuming = resume;
        document.querySelector(`form[data-action="${resume}"]`).requestSubmit();
        return;
      }
    } catch (error) {
      showError(null, error);
    }
  }
  // The first field, or, when the username is filled in already, the one after it.
  const first = document.querySelector('main input:not([type="hidden"])');
  const after = first?.name === 'username' && first.value
    ? first.form?.querySelectorAll('input:not([type="hidden"])')[1] : null;
  (after || first)?.focus();
}

open();
