/* wpp.h: reading the UN World Population Prospects tables (shared/data/wpp
 * layout). Two shapes: tables by age group, one row per group and one column
 * per year or five-year period (population, death rates, the fertility
 * pattern); and series by year, one row with one column per year (TFR, sex
 * ratio at birth, life expectancy). */
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

/* A whole table by age group: every column. */
struct wpp_table {
    size_t n_rows, n_cols;
    int *first_age; /* first age of each row's group */
    int end_age;    /* end (exclusive) of the last group: "50-54" -> 55; 0 when open ("100+") */
    int *first_year,
        *end_year; /* of each column: "2020-2025" -> 2020, 2025; "2020" -> 2020, 2021 */
    double *value; /* value[col * n_rows + row] */
};

/* Reads every column of the table in `path` (the setting `setting`, for
 * messages). Every cell must be a number ≥ 0, or > 0 when `positive`. Returns
 * 0, or -1 with the problem (setting, file and line) added to `d`. */
int wpp_read_table(const char *path, const char *setting, int positive, struct wpp_table *out,
                   struct diag *d);
void wpp_table_free(struct wpp_table *t);

/* A series by calendar year: consecutive years from first_year. */
struct wpp_series {
    int first_year;
    size_t n;
    double *value;
};

/* Reads the one row of the series in `path` (header country_code,country,
 * <year>,<year>,...). Every value must be > 0. Returns 0, or -1 with the
 * problem added to `d`. */
int wpp_read_series(const char *path, const char *setting, struct wpp_series *out, struct diag *d);
void wpp_series_free(struct wpp_series *s);

#endif
