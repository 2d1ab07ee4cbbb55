// Debian 12 compatibility for TorchSharp's libLibTorchSharp.so (built with GCC 13). GCC 13's <iostream> makes every
// object that includes it reference std::ios_base_library_init() (GLIBCXX_3.4.32) only to pull libstdc++'s stream
// initialisation in at link time; it is never called. Debian 12's libstdc++ (GCC 12) initialises its streams itself and
// stops at GLIBCXX_3.4.30, so an empty definition satisfies the reference. See build/glibcxx-compat.sh.
namespace std {
void ios_base_library_init() {}
}
