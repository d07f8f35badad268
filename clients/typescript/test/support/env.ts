// What test/run.sh started, passed in the environment.
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run the tests with test/run.sh`);
  }
  return value;
}

/** The service, e.g. http://127.0.0.1:41234. */
export const service = required('BFF_URL');
/** The local Cognito emulator the service uses. */
export const emulator = required('BFF_EMULATOR_URL');
/** The emulator's user pool the service signs in to. */
export const userPoolId = required('BFF_USER_POOL_ID');
/** The upstream API the service knows as `echo` (API_UPSTREAMS), run by test/run.sh. */
export const upstream = required('BFF_UPSTREAM_URL');
