#include "CImageShims.h"
int lookout_shims_version(void) { return 1; }
