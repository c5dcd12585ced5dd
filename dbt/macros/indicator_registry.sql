{#- The indicator registry (vars.indicators in dbt_project.yml): the one definition of every
    indicator. Marts and dim_indicators are generated from it. -#}
{% macro indicator_registry() %}
    {{ return(var('indicators')) }}
{% endmacro %}


{#- The component columns of fct_advisor_campaign_daily / _monthly that registry numerators
    and denominators may name. -#}
{% macro indicator_components() %}
    {{ return([
        'hours', 'outbound_blocked_contacts', 'outbound_handled_contacts', 'argued_contacts',
        'sales_or_appointments', 'revenue', 'retention_saved_contacts', 'sales', 'additional_sales',
        'primary_sales_with_services', 'primary_sales', 'fcr_resolved_contacts',
        'fcr_eligible_contacts', 'repeat_followed_contacts', 'repeat_eligible_contacts',
        'withdrawn_sales', 'withdrawal_eligible_sales', 'churned_contacts',
        'attrition_eligible_contacts', 'surviving_sales', 'survival_eligible_sales',
        'csat_top2_answers', 'csat_answers', 'cr_top2_answers', 'cr_answers', 'nps_net_promoters',
        'nps_answers', 'handled_contacts', 'handle_seconds'
    ]) }}
{% endmacro %}


{#- The resolved default of an indicator's window var: the var itself (fcr_window_hours: 48)
    or, for the campaign-level windows, var('default_' ~ window) (withdrawal_window_days: 14). -#}
{% macro indicator_window_value(window) %}
    {%- if window is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set value = var(window, none) -%}
    {%- if value is none -%}
        {%- set value = var('default_' ~ window, none) -%}
    {%- endif -%}
    {%- if value is none -%}
        {{ exceptions.raise_compiler_error("Indicator window '" ~ window ~ "' has no var '" ~ window ~ "' nor 'default_" ~ window ~ "'") }}
    {%- endif -%}
    {{ return(value) }}
{% endmacro %}


{#- One value column per registry indicator: scale * numerator / denominator, computed from
    the component columns of the current relation (a ratio of sums at any grain). -#}
{% macro indicator_value_columns() %}
    {%- set components = indicator_components() -%}
    {%- for indicator in indicator_registry() %}
        {%- for part in [indicator.numerator, indicator.denominator] %}
            {%- if part not in components %}
                {{ exceptions.raise_compiler_error("Indicator " ~ indicator.code ~ " names an unknown component column: " ~ part) }}
            {%- endif %}
        {%- endfor %}
        {{ indicator.scale }} * {{ safe_divide(indicator.numerator, indicator.denominator) }} as {{ indicator.code }}{{ "," if not loop.last }}
    {%- endfor %}
{% endmacro %}


{#- Every additive component column of fct_advisor_campaign_daily: the registry components
    plus logged_seconds, contacts, appointment_contacts, nps_promoters, nps_detractors.
    fct_advisor_campaign_monthly sums exactly these. -#}
{% macro advisor_campaign_component_columns() %}
    {{ return([
        'logged_seconds', 'hours', 'contacts', 'handled_contacts', 'handle_seconds',
        'outbound_handled_contacts', 'outbound_blocked_contacts', 'argued_contacts',
        'appointment_contacts', 'retention_saved_contacts', 'fcr_eligible_contacts',
        'fcr_resolved_contacts', 'repeat_eligible_contacts', 'repeat_followed_contacts',
        'attrition_eligible_contacts', 'churned_contacts', 'sales', 'revenue', 'primary_sales',
        'additional_sales', 'primary_sales_with_services', 'sales_or_appointments',
        'withdrawal_eligible_sales', 'withdrawn_sales', 'survival_eligible_sales',
        'surviving_sales', 'csat_answers', 'csat_top2_answers', 'cr_answers', 'cr_top2_answers',
        'nps_answers', 'nps_promoters', 'nps_detractors', 'nps_net_promoters'
    ]) }}
{% endmacro %}
