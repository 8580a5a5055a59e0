/**
 * Aloft file-cache policies. Its classes arrive with the issue that builds
 * this module; until then it holds only its descriptor, so applications can already name it.
 */
module io.aloft.cache {
  requires io.aloft.api;
}
