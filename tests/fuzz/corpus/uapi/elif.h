#if defined(__KERNEL__)
a
#elif defined(X)
b
#elif !defined(__KERNEL__)
c
#else
d
#endif
#if defined(X)
e
#elif defined(__EXPORTED_HEADERS__)
f
#elif 1
g
#endif
