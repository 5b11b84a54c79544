#ifdef __KERNEL__
int k;
#endif
#if __EXPORTED_HEADERS__ && X(1)
int e;
#endif
