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

// BASE_PATH, when the service is mounted under one: the page says it in <html data-base>.
const BASE = document.documentElement.dataset.base || '';

// Goes to one of the service's pages (a path) or to a URL of the app or the pool.
function go(target) {
  location.href = target.startsWith('/') && !target.startsWith('//') ? BASE + target : target;
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
  const response = await fetch(BASE + path, init);
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
    go('/ui/sign-in');
  } else if (pageOf(error.problem?.next_step)) {
    memory.set('notice', `error.${code}`);
    go(pageOf(error.problem.next_step));
  }
}

const values = (form) => Object.fromEntries(new FormData(form).entries());

const STEPS = {
  CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION: '/ui/sign-in/select-factor',
  CONFIRM_SIGN_IN_WITH_PASSWORD: '/ui/sign-in/password',
  CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED: '/ui/sign-in/new-password',
  CONFIRM_SIGN_IN_WITH_TOTP_CODE: '/ui/sign-in/totp',
  CONFIRM_SIGN_IN_WITH_SMS_CODE: '/ui/sign-in/code',
  CONFIRM_SIGN_IN_WITH_EMAIL_CODE: '/ui/sign-in/code',
  CONTINUE_SIGN_IN_WITH_MFA_SELECTION: '/ui/sign-in/select-mfa',
  CONTINUE_SIGN_IN_WITH_TOTP_SETUP: '/ui/sign-in/totp-setup',
  CONTINUE_SIGN_IN_WITH_EMAIL_SETUP: '/ui/sign-in/email-setup',
  CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION: '/ui/sign-in/mfa-setup',
  CONFIRM_SIGN_UP: '/ui/sign-up/confirm',
  RESET_PASSWORD: '/ui/password/forgot',
};

// The page of a step; none for a name that isn't one (a name from an answer is data, and an
// object's own keys only are steps).
const pageOf = (step) => (typeof step === 'string' && Object.hasOwn(STEPS, step) ? STEPS[step] : null);

// What the account page finishes by itself after a sign-in it asked for: the changes that need
// a recent sign-in, by the name of their form. Nothing else is ever run from memory.
const RESUMABLE = ['totp-start', 'totp-off', 'email-on', 'email-off', 'passkey-add'];

// A change that needs a recent sign-in: to the sign-in page with the username filled in, and,
// once signed in, back to the account page to finish `action` (when it is resumable). Until
// then it is `resume_after`; the sign-in makes it `resume`, which the account page runs once.
function signInAgain(action = null) {
  memory.clear('username');
  if (RESUMABLE.includes(action)) memory.set('resume_after', action);
  leaveNotice(['recent-sign-in']);
  go('/ui/sign-in');
}

// Where a sign-in step leads: the next page, or, once signed in, where the user was going (the
// account page, when it sent the user to sign in again for a change it then finishes). A
// passkey is asked for on the page that chose it.
async function follow(answer) {
  if (answer.next_step === 'DONE') {
    const resume = memory.get('resume_after');
    const back = resume ? '/ui/account' : memory.get('return_to') || '/ui/account';
    // Kept on purpose: the username, to fill in when asked to sign in again.
    memory.clear('username');
    if (resume) memory.set('resume', resume);
    go(back);
    return;
  }
  if (answer.next_step === 'CONFIRM_SIGN_IN_WITH_PASSKEY') {
    await usePasskey(answer.parameters?.CREDENTIAL_REQUEST_OPTIONS);
    return;
  }
  memory.set('challenge', answer.challenge || '');
  // Only what the next page shows or sends: where a code went, which methods may be chosen or
  // set up, which ways of signing in the user has, the password way picked, and whether this
  // step is the first factor (so starting over with another is offered).
  const { CODE_DELIVERY_DESTINATION, MFAS_CAN_CHOOSE, MFAS_CAN_SETUP, ANSWER } = answer.parameters || {};
  memory.set('parameters', JSON.stringify({
    CODE_DELIVERY_DESTINATION,
    MFAS_CAN_CHOOSE,
    MFAS_CAN_SETUP,
    ANSWER,
    available_challenges: answer.available_challenges,
    first_factor: Boolean(answer.switch_factor),
  }));
  if (pageOf(answer.next_step)) {
    go(pageOf(answer.next_step));
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

// Whether this browser can use a passkey with the JSON forms of WebAuthn's options.
const passkeysWork = () => typeof window.PublicKeyCredential?.parseRequestOptionsFromJSON === 'function'
  && typeof window.PublicKeyCredential?.parseCreationOptionsFromJSON === 'function';

// Options Cognito may send as JSON text or as an object.
const parsed = (options) => (typeof options === 'string' ? JSON.parse(options) : options);

// Signs in with a passkey: the browser asks for it, and its answer goes to the service. One
// the browser doesn't give (cancelled, timed out, none here) ends this sign-in: Cognito won't
// ask again in it, so the user starts over on the sign-in page.
async function usePasskey(options) {
  let credential;
  try {
    if (!passkeysWork()) throw new Error('passkey_unsupported');
    credential = await navigator.credentials.get({
      publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(parsed(options)),
    });
  } catch (error) {
    const code = error.message === 'passkey_unsupported' ? error.message : 'passkey_failed';
    if (page === 'sign-in') throw new Error(code);
    memory.set('notice', `error.${code}`);
    go('/ui/sign-in');
    return;
  }
  let answered;
  try {
    answered = await answer({ CREDENTIAL: credential.toJSON() }, { challenge: 'WEB_AUTHN' });
  } catch (error) {
    // About the passkey, not a field of the page: said at the top.
    if (error.problem) delete error.problem.field;
    throw error;
  }
  await follow(answered);
}

// The "remember this device" box of a code page.
const remembering = (fields) => ({ remember_device: fields.remember_device === 'true' });

// Each form's action: what it typed, the form, and the data of the button that sent it.
const actions = {
  'sign-in': async ({ username, password }, form, { factor }) => {
    // A change is finished only for the user who asked for it.
    if (username !== memory.get('username')) memory.remove('resume_after');
    memory.set('username', username);
    const ways = form.querySelector('[data-factor]') !== null;
    let body = { username, password };
    if (factor) {
      // A way chosen by its button: no password.
      body = { username, preferred_challenge: factor };
    } else if (ways && !password) {
      // No password where there are other ways: the service lists this user's ways.
      body = { username };
    }
    await follow(await api('/login', { body }));
  },
  'select-factor': async (_, form, { factor }) => follow(
    await answer({ ANSWER: factor }, { challenge: 'SELECT_CHALLENGE' }),
  ),
  password: async ({ password }) => {
    const { ANSWER } = JSON.parse(memory.get('parameters') || '{}');
    const way = ANSWER === 'PASSWORD_SRP' ? 'PASSWORD_SRP' : 'PASSWORD';
    await follow(await answer({ ANSWER: way, PASSWORD: password }, { challenge: 'SELECT_CHALLENGE' }));
  },
  'new-password': async ({ password }) => follow(await answer({ NEW_PASSWORD: password })),
  totp: async (fields) => follow(
    await answer({ SOFTWARE_TOKEN_MFA_CODE: fields.code.trim() }, remembering(fields)),
  ),
  code: async (fields) => {
    const code = fields.code;
    const name = memory.get('challenge') === 'EMAIL_OTP' ? 'EMAIL_OTP_CODE'
      : memory.get('challenge') === 'SMS_OTP' ? 'SMS_OTP_CODE' : 'SMS_MFA_CODE';
    await follow(await answer({ [name]: code.trim() }, remembering(fields)));
  },
  'select-mfa': async ({ mfa }) => follow(await answer({ ANSWER: mfa })),
  'totp-setup': async ({ code }) => follow(await answer({ TOTP_CODE: code.trim() })),
  // The second step to set up: the app's page asks for its secret; email asks for an address.
  'select-mfa-setup': async ({ setup }) => {
    if (!setup) throw new Error('invalid_request');
    go(setup === 'EMAIL_OTP' ? '/ui/sign-in/email-setup' : '/ui/sign-in/totp-setup');
  },
  'email-setup': async ({ email }) => follow(
    await answer({ EMAIL: email.trim() }, { challenge: 'MFA_SETUP' }),
  ),
  'sign-up': async ({ username, email, password }, form) => {
    // A change asked for by someone else before is not finished for a new account.
    memory.remove('resume_after');
    const body = { username, attributes: { email } };
    // A password the pool lets the user leave out is sent only when typed.
    if (password || form.querySelector('[name="password"]').required) body.password = password;
    const done = await api('/signup', { body });
    memory.set('username', username);
    if (done.code_delivery?.destination) memory.set('destination', done.code_delivery.destination);
    go(done.next_step === 'DONE' ? '/ui/sign-in' : '/ui/sign-up/confirm');
  },
  confirm: async ({ username, code }) => {
    memory.remove('resume_after');
    const confirmed = await api('/signup/confirm', { body: { username, code: code.trim() } });
    if (confirmed?.next_step === 'COMPLETE_AUTO_SIGN_IN') {
      // Confirming proved the address: the new user is signed in without being asked again.
      let signedIn;
      try {
        signedIn = await api('/signup/auto-sign-in', { body: {} });
      } catch {
        // Confirmed all the same: signing in as usual is left.
        signedIn = null;
      }
      if (signedIn) {
        await follow(signedIn);
        return;
      }
    }
    leaveNotice(['confirmed']);
    go('/ui/sign-in');
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
    go('/ui/password/reset');
  },
  reset: async ({ username, code, new_password }) => {
    const done = await api('/password/reset', { body: { username, code: code.trim(), new_password } });
    leaveNotice(['password-reset', 'signed-out', 'sign-in-now'], done?.signed_out_others);
    go('/ui/sign-in');
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
  'email-on': async () => {
    const enabled = await api('/mfa/email', { body: {} });
    showEmailMfa(true);
    await changedThen('email-mfa-enabled', enabled);
  },
  'email-off': async () => {
    const disabled = await api('/mfa/email', { method: 'DELETE' });
    showEmailMfa(false);
    await changedThen('email-mfa-disabled', disabled);
  },
  'passkey-add': async () => {
    if (!passkeysWork()) throw new Error('passkey_unsupported');
    const { creation_options: options } = await api('/me/passkeys', { body: {} });
    let credential;
    try {
      credential = await navigator.credentials.create({
        publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(parsed(options)),
      });
    } catch (error) {
      // InvalidStateError: this authenticator holds one of the user's passkeys already.
      throw new Error(error?.name === 'InvalidStateError' ? 'passkey_exists' : 'passkey_not_created');
    }
    await api('/me/passkeys/complete', { body: { credential: credential.toJSON() } });
    show(text('passkey-added'));
    await listPasskeys();
  },
  'end-others': async () => {
    const ended = await api('/sessions', { method: 'DELETE' });
    show(text('sessions-ended', { count: ended.ended }));
    await listSessions();
  },
  'sign-out': async () => {
    // A federated session ends at the pool's domain too: the answer says where to go.
    const out = await api('/logout', {});
    memory.clear();
    go(out?.logout_url || '/ui/sign-in');
  },
};

// The authenticator app as it is, said, with the button that turns it on, or the one that
// turns it off.
function showTotp(on) {
  document.querySelector('[data-action="totp-start"]').hidden = on;
  document.querySelector('[data-action="totp-off"]').hidden = !on;
  const state = document.getElementById('totp-state');
  state.textContent = text(on ? 'totp-enabled' : 'totp-disabled');
}

// Email codes after the password, the same way.
function showEmailMfa(on) {
  document.querySelector('[data-action="email-on"]').hidden = on;
  document.querySelector('[data-action="email-off"]').hidden = !on;
  const state = document.getElementById('email-mfa-state');
  state.textContent = text(on ? 'email-mfa-enabled' : 'email-mfa-disabled');
}

// A change of password or MFA made: said, with the other devices it signed out. The session
// this page used either goes on under a new id (the list is shown again) or is over, and the
// user signs in again, told that the change stands.
async function changedThen(done, answer) {
  if (answer?.session === 'ended') {
    memory.clear('username');
    leaveNotice([done, 'signed-out', 'sign-in-again'], answer.signed_out_others);
    go('/ui/sign-in');
    return;
  }
  show(sentences(text(done), signedOut(answer?.signed_out_others)));
  await listSessions();
}

// The action the account page is finishing after a sign-in it asked for.
let resuming = null;

for (const form of document.querySelectorAll('form[data-action]')) {
  const buttons = [...form.querySelectorAll('button[type="submit"]')];
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (buttons.some((b) => b.getAttribute('aria-disabled') === 'true')) return;
    // The button that sent the form, where it has several (the Enter key sends the first).
    const button = event.submitter || buttons[0];
    const action = form.dataset.action;
    const resumed = resuming === action;
    resuming = null;
    clearErrors(form);
    // Not `disabled`: a disabled button loses keyboard focus.
    button.setAttribute('aria-disabled', 'true');
    try {
      await actions[action](values(form), form, { ...button.dataset });
    } catch (error) {
      if (error.message === 'recent_sign_in_required' && !resumed) {
        signInAgain(action);
      } else {
        // Refused even just after signing in again: said here, plainly, not looped.
        showError(form, error);
      }
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  // Rendered disabled, so nothing is sent before this script runs.
  for (const button of buttons) button.disabled = false;
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

// A time the service gave, in seconds since 1970 or as text, in the page's language.
function when(time) {
  const date = typeof time === 'number' ? new Date(time * 1000) : new Date(time);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleString(document.documentElement.lang);
}

// The user's passkeys, each with its remove button, where the pool allows passkeys.
async function listPasskeys() {
  const list = document.getElementById('passkeys');
  if (!list) return;
  const { passkeys } = await api('/me/passkeys', { method: 'GET' });
  document.getElementById('passkeys-none').hidden = passkeys.length > 0;
  list.replaceChildren(...passkeys.map((passkey) => {
    const item = document.createElement('li');
    item.dataset.passkey = passkey.id;
    const name = document.createElement('span');
    name.className = 'device';
    const label = passkey.name || text('passkey');
    name.textContent = label;
    const added = document.createElement('span');
    added.className = 'seen';
    added.textContent = passkey.created_at ? `${text('added')}: ${when(passkey.created_at)}` : '';
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'secondary';
    remove.textContent = text('remove');
    remove.setAttribute('aria-label', `${remove.textContent}: ${label}`);
    remove.addEventListener('click', async () => {
      if (remove.getAttribute('aria-disabled') === 'true') return;
      remove.setAttribute('aria-disabled', 'true');
      try {
        await api(`/me/passkeys/${encodeURIComponent(passkey.id)}`, { method: 'DELETE' });
        show(text('passkey-removed'));
        status.focus();
        await listPasskeys();
      } catch (error) {
        if (error.message === 'recent_sign_in_required') signInAgain();
        else showError(null, error);
      } finally {
        remove.removeAttribute('aria-disabled');
      }
    });
    item.append(name, added, remove);
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
  if (destination && parameters.first_factor) {
    // A code asked for by name alone: where it went would tell anyone who typed the name.
    destination.textContent = text('code-sent-if');
    destination.hidden = false;
  } else if (destination && where) {
    destination.textContent = text('code-sent', { destination: where });
    destination.hidden = false;
  }
  // The methods Cognito offers to choose or set up (a list, or a list as JSON text).
  const methods = { 'select-mfa': parameters.MFAS_CAN_CHOOSE, 'select-mfa-setup': parameters.MFAS_CAN_SETUP }[page];
  if (methods) {
    const offered = JSON.stringify(methods);
    for (const choice of document.querySelectorAll('input[type="radio"]')) {
      choice.closest('label').hidden = !offered.includes(choice.value);
    }
  }
  if (page === 'select-factor') {
    // The ways this user may sign in; the password is one button, for either way of proving it.
    const offered = Array.isArray(parameters.available_challenges) ? parameters.available_challenges : [];
    for (const choice of document.querySelectorAll('button[data-factor]')) {
      if (choice.dataset.factor === 'PASSWORD') {
        const way = ['PASSWORD', 'PASSWORD_SRP'].find((name) => offered.includes(name));
        choice.dataset.factor = way || 'PASSWORD';
        choice.hidden = !way;
      } else {
        choice.hidden = !offered.includes(choice.dataset.factor);
      }
    }
  }
  // A passkey where the browser can't use one is no choice.
  if (!passkeysWork()) {
    document.querySelectorAll('button[data-factor="WEB_AUTHN"]').forEach((choice) => { choice.hidden = true; });
    const add = document.querySelector('[data-action="passkey-add"]');
    if (add) add.hidden = true;
  }
  // A code that is the first factor: starting over with another way is offered.
  const anotherWay = document.getElementById('another-way');
  if (anotherWay) anotherWay.hidden = !parameters.first_factor;
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
      // Signed in through an identity provider: the provider keeps the password and asks for
      // any second factor; Cognito's user API may not take the session's token at all.
      const federated = Array.isArray(session.amr) && session.amr.includes('fed');
      if (federated) {
        for (const id of ['password-section', 'totp-section', 'email-mfa-section']) {
          document.getElementById(id).hidden = true;
        }
      }
      const me = await api('/me', { method: 'GET' }).catch((error) => {
        if (federated) return { attributes: session.user.attributes };
        throw error;
      });
      const enabled = Array.isArray(me.mfa?.enabled) && !federated ? me.mfa.enabled : null;
      if (enabled) {
        showTotp(enabled.includes('TOTP'));
        showEmailMfa(enabled.includes('EMAIL'));
      }
      // A user without a password has none to change, and isn't asked for email codes after
      // one (unless they are on, to be turned off).
      if (Array.isArray(me.sign_in_factors) && !me.sign_in_factors.includes('PASSWORD')) {
        document.getElementById('password-section').hidden = true;
        document.getElementById('email-mfa-section').hidden = !enabled?.includes('EMAIL');
      }
      for (const name of ['name', 'nickname']) {
        const input = document.querySelector(`[data-action="profile"] [name="${name}"]`);
        if (typeof me.attributes[name] === 'string') input.value = me.attributes[name];
      }
      await listSessions();
      // A list that can't be had now leaves the section hidden, and the page works on.
      await listDevices().catch(() => {});
      await listPasskeys().catch(() => {});
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
  // The first field (or, on a page of choices, the first choice), or, when the username is
  // filled in already, the one after it.
  const first = document.querySelector('main input:not([type="hidden"])')
    || document.querySelector('main button[data-factor]:not([hidden])');
  const after = first?.name === 'username' && first.value
    ? first.form?.querySelectorAll('input:not([type="hidden"])')[1] : null;
  (after || first)?.focus();
}

open();
