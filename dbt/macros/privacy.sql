{#- Pseudonymisation of customer identifiers (docs/operations.md, "Privacy").

    Contract columns flagged meta.pseudonymise in models/staging/_sources.yml (customer_id of
    contacts, sales and customers) are replaced at staging by a keyed hash:
        sha256(key || ':' || id)   (64 hex characters; NULL stays NULL)
    The key comes from the environment variable PSEUDONYMISATION_KEY (env_var()). Without it
    the build fails, unless CR_DEMO=1 (the demo and the tests), which uses a fixed,
    non-secret demo key. The same id always gives the same pseudonym under one key, so joins
    (customer x campaign for FCR, repeat, attrition) keep working; changing the key changes
    every pseudonym, so the incremental models refuse to continue with another key (state
    key_fingerprint) until a full refresh. -#}

{% macro demo_pseudonymisation_key() -%}
    {{ return('cr-impact-demo-key-not-secret') }}
{%- endmacro %}


{% macro pseudonymisation_key() %}
    {%- set key = env_var('PSEUDONYMISATION_KEY', '') -%}
    {%- if key == '' -%}
        {%- if env_var('CR_DEMO', '') == '1' -%}
            {{ return(demo_pseudonymisation_key()) }}
        {%- elif execute -%}
            {{ exceptions.raise_compiler_error(
                "PSEUDONYMISATION_KEY is not set. Customer identifiers are pseudonymised at staging with a keyed hash "
                ~ "and the key must come from the environment: export PSEUDONYMISATION_KEY='<a long random secret>' "
                ~ "(keep it stable: changing it needs a full refresh). For the demo only, set CR_DEMO=1 to use a "
                ~ "fixed non-secret demo key.") }}
        {%- else -%}
            {{ return('parse-time-placeholder') }}
        {%- endif -%}
    {%- endif -%}
    {{ return(key) }}
{% endmacro %}


{#- A fingerprint of the key (to notice a key change; never the key itself). -#}
{% macro pseudonymisation_key_fingerprint() -%}
    {{ return(local_md5('cr_impact pseudonymisation key fingerprint:' ~ pseudonymisation_key())[:16]) }}
{%- endmacro %}


{#- The keyed hash of a text expression (NULL -> NULL). -#}
{% macro pseudonymise(expr) -%}
    {{ return(adapter.dispatch('pseudonymise')(expr)) }}
{%- endmacro %}

{% macro duckdb__pseudonymise(expr) -%}
    sha256({{ text_literal(pseudonymisation_key()) }} || ':' || {{ expr }})
{%- endmacro %}

{% macro default__pseudonymise(expr) -%}
    encode(sha256(convert_to({{ text_literal(pseudonymisation_key()) }} || ':' || {{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}


{#- Contract columns of a table that are pseudonymised (meta.pseudonymise). -#}
{% macro pseudonymised_columns(table_name) %}
    {%- set names = [] -%}
    {%- for column in contract_columns(table_name) -%}
        {%- if column.meta.pseudonymise -%}{%- do names.append(column.name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{#- In an incremental run, a model holding pseudonyms refuses another key than the one its
    rows were built with. -#}
{% macro check_pseudonymisation_key_unchanged(state) %}
    {%- if state is not none and state.key_fingerprint and state.key_fingerprint != pseudonymisation_key_fingerprint() -%}
        {{ exceptions.raise_compiler_error(
            "The pseudonymisation key (PSEUDONYMISATION_KEY) differs from the one " ~ this.identifier
            ~ " was built with: its customer pseudonyms would no longer match. Restore the previous key, or "
            ~ "rebuild everything with the new key: `dbt build --full-refresh` (only the raw rows still kept "
            ~ "can be re-pseudonymised; see docs/operations.md).") }}
    {%- endif -%}
{% endmacro %}


{#- row_json of fct_quarantine: the delivered row (raw text values of relation `alias`),
    pseudonymised columns replaced by their pseudonym. -#}
{% macro quarantine_row_json(table_name, alias) -%}
    {%- set personal = pseudonymised_columns(table_name) -%}
    {%- set pairs = [] -%}
    {%- for name in contract_column_names(table_name) -%}
        {%- if name in personal -%}
            {%- do pairs.append((name, pseudonymise("nullif(" ~ alias ~ "." ~ name ~ ", '')"))) -%}
        {%- else -%}
            {%- do pairs.append((name, alias ~ "." ~ name)) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(json_object_from_pairs(pairs)) }}
{%- endmacro %}
