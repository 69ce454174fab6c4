/* wpp.h: reading the UN World Population Prospects tables (shared/data/wpp
 * layout: one row per age group, one column per year or period). */
#ifndef FUNDSIM_WPP_H
#define FUNDSIM_WPP_H

#include <stddef.h>

struct diag;

struct wpp_column {
    size_t n;
    int *first_age; /* first age of each row's group: "0-4" -> 0, "100+" -> 100 */
    double *value;
};

/* Reads the column headed `column` ("2020", "2020-2025") of the table in
 * `path`, named by the scenario setting `setting` (for messages). Returns 0, or
 * -1 with the problem (setting, file and line) added to `d`. */
int wpp_read_column(const char *path, const char *column, const char *setting,
                    struct wpp_column *out, struct diag *d);
void wpp_column_free(struct wpp_column *c);

#endif
