// A small single-page app on cognito-bff's TypeScript client. It holds no token: the service
// keeps them behind an HttpOnly cookie, and the page only ever sees who is signed in.
import {
  AuthError,
  Hub,
  api,
  associateWebAuthnCredential,
  configure,
  confirmSignIn,
  deleteWebAuthnCredential,
  endSession,
  fetchMFAPreference,
  fetchUserAttributes,
  getCurrentUser,
  listSessions,
  listWebAuthnCredentials,
  setUpTOTP,
  signIn,
  signOut,
  updateUserAttributes,
  verifyTOTPSetup,
  type AuthNextSignInStep,
} from '@cognito-bff/client';

/** Written beside index.html for each deployment. */
interface Settings {
  /** The service: '' (this origin), a path ('/auth') or another origin of the same site. */
  endpoint: string;
  credentials: RequestCredentials;
  /** The upstream API the account page calls through the token handler. */
  api: string;
}

const app = document.getElementById('app') as HTMLElement;
let settings: Settings;

type Child = Node | string;

function h(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

/** A labelled field: the label's text is how a person (and the tests) find it. */
function field(id: string, label: string, type = 'text', autocomplete = 'off'): HTMLElement[] {
  return [h('label', { for: id }, label), h('input', { id, name: id, type, autocomplete })];
}

function valueOf(id: string): string {
  return (document.getElementById(id) as HTMLInputElement).value;
}

function say(message: string, error = false): void {
  const status = document.getElementById('status');
  if (status) {
    status.textContent = message;
    status.className = error ? 'error' : '';
  }
}

/** Shows a page: its heading, a line for news, and what it holds. */
function show(title: string, ...children: Child[]): void {
  app.replaceChildren(h('h1', {}, title), h('p', { id: 'status', role: 'status' }), ...children);
}

/** A form whose button runs `action`, with errors said in the status line. */
function form(button: string, action: () => Promise<void>, ...fields: Child[]): HTMLElement {
  const submit = h('button', { type: 'submit' }, button) as HTMLButtonElement;
  const element = h('form', { novalidate: '' }, ...fields, submit);
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    // One answer at a time: a challenge's answer is single-use.
    if (submit.disabled) return;
    submit.disabled = true;
    void run(action).finally(() => {
      submit.disabled = false;
    });
  });
  return element;
}

function actionButton(text: string, action: () => Promise<void>, secondary = false): HTMLElement {
  const element = h('button', { type: 'button', class: secondary ? 'secondary' : '' }, text) as HTMLButtonElement;
  element.addEventListener('click', () => {
    // One at a time: a second click would go with the cookie the first one replaces.
    if (element.disabled) return;
    element.disabled = true;
    void run(action).finally(() => {
      element.disabled = false;
    });
  });
  return element;
}

async function run(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof AuthError) {
      say(`${error.message} (${error.code})`, true);
    } else {
      say(String(error), true);
    }
  }
}

function showSignIn(): void {
  show(
    'Sign in',
    form(
      'Sign in',
      async () => {
        const username = valueOf('username');
        const password = valueOf('password');
        // No password: the service offers the other ways the pool allows, where it signs in
        // by choice.
        next((await signIn(password ? { username, password } : { username })).nextStep);
      },
      ...field('username', 'Username', 'text', 'username webauthn'),
      ...field('password', 'Password', 'password', 'current-password'),
      h('p', { class: 'hint' }, 'Leave the password empty to sign in another way, where that is offered.'),
    ),
    // Where the pool signs in by choice: straight to the passkey, which signIn asks the
    // browser for.
    actionButton(
      'Sign in with a passkey',
      async () => {
        const options = { preferredChallenge: 'WEB_AUTHN' } as const;
        next((await signIn({ username: valueOf('username'), options })).nextStep);
      },
      true,
    ),
  );
}

/** What each factor a step offers is called on its button. */
const CHOICES: Record<string, string> = {
  PASSWORD: 'Password',
  PASSWORD_SRP: 'Password, never sent',
  EMAIL_OTP: 'Email me a code',
  SMS_OTP: 'Text me a code',
  WEB_AUTHN: 'Passkey',
  TOTP: 'Authenticator app',
  EMAIL: 'Email',
  SMS: 'Text message',
};

const label = (option: string): string => (Object.hasOwn(CHOICES, option) ? (CHOICES[option] ?? option) : option);

/** Each step a sign-in can take, as Amplify names it. */
async function next(step: AuthNextSignInStep): Promise<void> {
  const answer = async (response: string) => next((await confirmSignIn({ challengeResponse: response })).nextStep);
  const choices = (title: string, options: readonly string[]) =>
    show(title, ...options.map((option) => actionButton(label(option), () => answer(option))));
  switch (step.signInStep) {
    case 'DONE':
      return showAccount();
    case 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED': {
      // Attributes the pool requires and the user has not given yet, asked for with it.
      const missing = (step.missingAttributes ?? []).filter((name) => /^[a-z0-9_:.-]{1,64}$/i.test(name));
      return show(
        'Choose a new password',
        form(
          'Continue',
          async () => {
            const userAttributes = Object.fromEntries(missing.map((name) => [name, valueOf(`attribute-${name}`)]));
            const options = missing.length > 0 ? { options: { userAttributes } } : {};
            await next((await confirmSignIn({ challengeResponse: valueOf('new-password'), ...options })).nextStep);
          },
          ...field('new-password', 'New password', 'password', 'new-password'),
          ...missing.flatMap((name) => field(`attribute-${name}`, name)),
        ),
      );
    }
    case 'CONFIRM_SIGN_IN_WITH_TOTP_CODE':
      return show('Enter your authenticator code', form('Continue', () => answer(valueOf('code')), ...field('code', 'Code', 'text', 'one-time-code')));
    case 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE':
    case 'CONFIRM_SIGN_IN_WITH_SMS_CODE':
      return show(
        'Enter the code we sent',
        h('p', {}, `Sent to ${step.codeDeliveryDetails?.destination ?? 'you'}.`),
        form('Continue', () => answer(valueOf('code')), ...field('code', 'Code', 'text', 'one-time-code')),
      );
    case 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP':
      return show(
        'Set up your authenticator app',
        h('p', {}, 'Add this key to your authenticator app, then enter the code it shows.'),
        h('code', { id: 'secret' }, step.totpSetupDetails.sharedSecret),
        form('Continue', () => answer(valueOf('code')), ...field('code', 'Code', 'text', 'one-time-code')),
      );
    case 'CONTINUE_SIGN_IN_WITH_EMAIL_SETUP':
      return show('Add an email address for codes', form('Continue', () => answer(valueOf('email')), ...field('email', 'Email', 'email', 'email')));
    case 'CONTINUE_SIGN_IN_WITH_MFA_SELECTION':
    case 'CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION':
      return choices('Choose how to confirm it is you', step.allowedMFATypes ?? []);
    case 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION':
      return choices('Choose how to sign in', step.availableChallenges ?? []);
    case 'CONFIRM_SIGN_IN_WITH_PASSWORD':
      return show('Enter your password', form('Continue', () => answer(valueOf('password')), ...field('password', 'Password', 'password', 'current-password')));
    case 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE':
      return show(
        'Answer the question',
        // What the pool's challenge says, as text.
        h('dl', {}, ...Object.entries(step.additionalInfo ?? {}).flatMap(([name, value]) => [h('dt', {}, name), h('dd', {}, value)])),
        form('Continue', () => answer(valueOf('answer')), ...field('answer', 'Answer')),
      );
    case 'CONFIRM_SIGN_UP':
      return show(
        'Confirm your account first',
        h('p', {}, 'Use the code we sent when you signed up; this example does not take it.'),
        actionButton('Back to sign in', async () => showSignIn(), true),
      );
    case 'RESET_PASSWORD':
      return show(
        'Reset your password first',
        h('p', {}, 'Your password must be reset before you can sign in; this example does not do it.'),
        actionButton('Back to sign in', async () => showSignIn(), true),
      );
  }
}

async function showAccount(): Promise<void> {
  const user = await getCurrentUser();
  const attributes = await fetchUserAttributes();
  const mfa = await fetchMFAPreference();
  const list = h('dl', { id: 'attributes' });
  for (const [name, value] of Object.entries(attributes)) {
    list.append(h('dt', {}, name), h('dd', {}, value ?? ''));
  }
  const sessions = h('ul', { id: 'sessions' });
  const passkeys = h('ul', { id: 'passkeys' });
  const totp = h('div', { id: 'totp' });
  const answer = h('pre', { id: 'api-answer' });
  show(
    'Your account',
    h('p', {}, 'Signed in as ', h('strong', { id: 'whoami' }, user.username)),
    h('h2', {}, 'Profile'),
    list,
    form(
      'Save',
      async () => {
        await updateUserAttributes({ userAttributes: { nickname: valueOf('nickname') } });
        say('Saved.');
      },
      ...field('nickname', 'Nickname'),
    ),
    h('h2', {}, 'Authenticator app'),
    totp,
    h('h2', {}, 'Passkeys'),
    passkeys,
    actionButton('Add a passkey', async () => {
      await associateWebAuthnCredential();
      await showPasskeys(passkeys);
      say('The passkey was added.');
    }, true),
    h('h2', {}, 'Where you are signed in'),
    sessions,
    h('h2', {}, 'An API, through the service'),
    actionButton('Call the API', async () => {
      const response = await api(settings.api)('/items?page=1');
      answer.textContent = JSON.stringify(await response.json(), null, 2);
    }),
    answer,
    h('h2', {}, 'Leave'),
    actionButton('Sign out', () => signOut(), true),
  );
  if (mfa.enabled?.includes('TOTP')) {
    totp.append(h('p', {}, 'The authenticator app is on.'));
  } else {
    totp.append(setUpTotp(totp));
  }
  // Each list on its own: one that can't be read leaves the other shown.
  await run(() => showSessions(sessions));
  await run(() => showPasskeys(passkeys));
}

/** The button that sets up an authenticator app in `totp`, the section it replaces. */
function setUpTotp(totp: HTMLElement): HTMLElement {
  return actionButton(
    'Set up an authenticator app',
    async () => {
      const setup = await setUpTOTP();
      totp.replaceChildren(
        h('p', {}, 'Add this key to your authenticator app:'),
        h('code', { id: 'totp-secret' }, setup.sharedSecret),
        form(
          'Turn on',
          async () => {
            await verifyTOTPSetup({ code: valueOf('totp-code') });
            totp.replaceChildren(h('p', {}, 'The authenticator app is on.'));
            say('The authenticator app is on.');
          },
          ...field('totp-code', 'Authenticator code', 'text', 'one-time-code'),
        ),
      );
    },
    true,
  );
}

async function showPasskeys(list: HTMLElement): Promise<void> {
  const { credentials } = await listWebAuthnCredentials();
  list.replaceChildren(
    ...credentials.map((passkey) =>
      h(
        'li',
        {},
        `${passkey.friendlyCredentialName}, added ${passkey.createdAt.toLocaleDateString()} `,
        actionButton(`Remove ${passkey.friendlyCredentialName}`, async () => {
          await deleteWebAuthnCredential({ credentialId: passkey.credentialId });
          await showPasskeys(list);
          say('The passkey was removed.');
        }, true),
      ),
    ),
  );
  if (credentials.length === 0) list.append(h('li', { class: 'none' }, 'None yet.'));
}

async function showSessions(list: HTMLElement): Promise<void> {
  const all = await listSessions();
  list.replaceChildren(
    ...all.map((session) => {
      const item = h('li', {}, `${session.device}${session.current ? ' (This device)' : ''}, last active ${session.lastSeenAt.toLocaleString()}`);
      if (!session.current) {
        item.append(
          ' ',
          actionButton(`End ${session.device}`, async () => {
            await endSession({ id: session.id });
            await showSessions(list);
            say('The session was ended.');
          }, true),
        );
      }
      return item;
    }),
  );
}

/** config.json, checked: a deployment's mistake is said on the page, not a blank one. */
async function load(): Promise<Settings> {
  const response = await fetch('./config.json', { cache: 'no-store' });
  const read: unknown = response.ok ? await response.json() : null;
  const given = (read ?? {}) as Partial<Record<keyof Settings, unknown>>;
  const credentials = ['same-origin', 'include'].includes(String(given.credentials)) ? (given.credentials as RequestCredentials) : null;
  if (typeof given.endpoint !== 'string' || credentials === null || typeof given.api !== 'string') {
    throw new Error('config.json must give endpoint, credentials (same-origin or include) and api');
  }
  return { endpoint: given.endpoint, credentials, api: given.api };
}

async function main(): Promise<void> {
  try {
    settings = await load();
  } catch (error) {
    show('This app is not set up', h('p', {}, String(error)));
    return;
  }
  configure({ endpoint: settings.endpoint, credentials: settings.credentials });
  Hub.listen('auth', ({ payload }) => {
    if (payload.event === 'signedOut') {
      showSignIn();
    }
  });
  try {
    await getCurrentUser();
  } catch (error) {
    if (error instanceof AuthError && error.status === 401) {
      return showSignIn();
    }
    // The service unreachable, or refusing this origin: said, not taken for signed out.
    show('The sign-in service did not answer', h('p', {}, error instanceof AuthError ? `${error.message} (${error.code})` : String(error)));
    return;
  }
  await run(showAccount);
}

void main();
