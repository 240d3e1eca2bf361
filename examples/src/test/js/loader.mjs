// Module resolution for the React hook tests: 'react' -> the fake below, the hook's './client.js' -> the real
// browser client from the websocket-adapter module, loaded as an ES module.
const CLIENT = new URL('../../../../websocket-adapter/src/main/resources/META-INF/resources/sessionfeed/client.js', import.meta.url).href;
const HOOKS_DIR = new URL('../../main/resources/react/', import.meta.url).href;
const FAKE_REACT = new URL('./fake-react.mjs', import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'react') return { url: FAKE_REACT, shortCircuit: true };
  if (specifier === './client.js' && context.parentURL?.startsWith(HOOKS_DIR)) return { url: CLIENT, shortCircuit: true };
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (url === CLIENT || url.startsWith(HOOKS_DIR)) {
    const result = await next(url, { ...context, format: 'module' });
    return { ...result, format: 'module', shortCircuit: true };
  }
  return next(url, context);
}
