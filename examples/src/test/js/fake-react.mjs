// Just enough of React's hook semantics to run a custom hook outside a browser: state, refs, callbacks and
// effects with dependency arrays, a synchronous re-render on setState, cleanups on unmount.
let current = null;

export function renderHook(hook, initialProps) {
  const instance = { hook, props: initialProps, slots: [], effects: [], result: undefined, mounted: true };
  const render = () => {
    instance.index = 0;
    instance.pendingEffects = [];
    current = instance;
    try {
      instance.result = hook(instance.props);
    } finally {
      current = null;
    }
    for (const [slot, effect] of instance.pendingEffects) {
      slot.cleanup?.();
      const cleanup = effect();
      slot.cleanup = typeof cleanup === 'function' ? cleanup : undefined;
    }
  };
  instance.render = render;
  render();
  return {
    get result() { return instance.result; },
    rerender(props) { instance.props = props; render(); },
    unmount() {
      instance.mounted = false;
      for (const slot of instance.slots) slot?.cleanup?.();
    },
  };
}

function slot(init) {
  const i = current.index++;
  if (current.slots[i] === undefined) current.slots[i] = init();
  return current.slots[i];
}

const changed = (a, b) => !a || !b || a.length !== b.length || a.some((v, i) => !Object.is(v, b[i]));

export function useState(initial) {
  const instance = current;
  const s = slot(() => ({ value: typeof initial === 'function' ? initial() : initial }));
  const set = (next) => {
    const value = typeof next === 'function' ? next(s.value) : next;
    if (Object.is(value, s.value)) return;
    s.value = value;
    if (instance.mounted) instance.render();
  };
  return [s.value, set];
}

export function useRef(initial) {
  return slot(() => ({ current: initial }));
}

export function useCallback(fn, deps) {
  const s = slot(() => ({}));
  if (changed(s.deps, deps)) {
    s.fn = fn;
    s.deps = deps;
  }
  return s.fn;
}

export function useEffect(effect, deps) {
  const s = slot(() => ({}));
  if (changed(s.deps, deps)) {
    s.deps = deps;
    current.pendingEffects.push([s, effect]);
  }
}
