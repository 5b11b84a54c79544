int a = CONFIG_X86_64;
/* CONFIG_NO */ char *s = "/*";
/* a
 * CONFIG_SPAN */ int CONFIG_YES;
