#ifndef LOOKOUT_CIMAGESHIMS_H
#define LOOKOUT_CIMAGESHIMS_H
// Placeholder: the ImageIO work fills this in.
int lookout_shims_version(void);
#endif
