// Next's ambient types (CSS modules, images), so `tsc` works on a fresh clone before any
// `next build` has written next-env.d.ts (which is per build directory and not committed).
/// <reference types="next" />
/// <reference types="next/image-types/global" />
