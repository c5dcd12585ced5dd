-- depends_on: {{ ref('int_affected_days') }}
-- depends_on: {{ ref('int_campaigns') }}
{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['campaign_id', 'activity_date'],
    tombstone_column='advisor_id'
) }}
{#- Grain: advisor_id x campaign_id x activity_date (local date in the campaign's time zone).
    A row exists for every day with production hours or any credited activity (contacts,
    sales, survey answers): the union of the keys of the four sources. Components are sums
    (0 when absent); indicator values are generated from the registry
    (macros/indicator_registry.sql): scale * numerator / denominator, NULL when the
    denominator is 0.
    Incremental run: the (campaign, local day) pairs logged in int_affected_days since this
    model last ran are deleted and rebuilt from the intermediate rows (strategy 'replace':
    every affected pair gets a placeholder row with a NULL advisor_id, which only deletes;
    a NULL day deletes the whole campaign). Days not affected are never read nor rewritten. -#}
{%- set scope = mart_incremental_scope() -%}
{%- set whole_campaigns = scope.whole_campaigns -%}

with
{%- if is_incremental() %}

affected_days as (

    select * from {{ scope.affected_days }} as logged

),
{%- endif %}

hours_daily as (

    select
        advisor_id,
        campaign_id,
        work_date as activity_date,
        sum(logged_seconds) as logged_seconds

    from {{ ref('int_production_hours') }}
    {{ affected_days_filter('campaign_id', 'work_date', scope) }}
    group by advisor_id, campaign_id, work_date

),

contacts_daily as (

    select
        advisor_id,
        campaign_id,
        activity_date,
        count(*) as contacts,
        sum(case when is_handled then 1 else 0 end) as handled_contacts,
        sum(handle_seconds) as handle_seconds,
        sum(case when is_outbound_handled then 1 else 0 end) as outbound_handled_contacts,
        sum(case when is_outbound_blocked then 1 else 0 end) as outbound_blocked_contacts,
        sum(case when is_argued then 1 else 0 end) as argued_contacts,
        sum(case when is_appointment then 1 else 0 end) as appointment_contacts,
        sum(case when is_retention_saved then 1 else 0 end) as retention_saved_contacts,
        sum(case when is_fcr_eligible then 1 else 0 end) as fcr_eligible_contacts,
        sum(case when is_fcr_resolved then 1 else 0 end) as fcr_resolved_contacts,
        sum(case when is_repeat_eligible then 1 else 0 end) as repeat_eligible_contacts,
        sum(case when is_repeat_followed then 1 else 0 end) as repeat_followed_contacts,
        sum(case when is_attrition_eligible then 1 else 0 end) as attrition_eligible_contacts,
        sum(case when is_churned then 1 else 0 end) as churned_contacts

    from {{ ref('int_contact_flags') }}
    {{ affected_days_filter('campaign_id', 'activity_date', scope) }}
    {{ 'and' if is_incremental() else 'where' }} advisor_id is not null
    group by advisor_id, campaign_id, activity_date

),

sales_daily as (

    select
        advisor_id,
        campaign_id,
        activity_date,
        count(*) as sales,
        sum(amount) as revenue,
        sum(case when is_primary then 1 else 0 end) as primary_sales,
        sum(case when is_additional then 1 else 0 end) as additional_sales,
        sum(case when is_primary_with_services then 1 else 0 end) as primary_sales_with_services,
        sum(case when is_withdrawal_eligible then 1 else 0 end) as withdrawal_eligible_sales,
        sum(case when is_withdrawn then 1 else 0 end) as withdrawn_sales,
        sum(case when is_survival_eligible then 1 else 0 end) as survival_eligible_sales,
        sum(case when is_surviving then 1 else 0 end) as surviving_sales

    from {{ ref('int_sale_flags') }}
    {{ affected_days_filter('campaign_id', 'activity_date', scope) }}
    group by advisor_id, campaign_id, activity_date

),

surveys_daily as (

    select
        advisor_id,
        campaign_id,
        activity_date,
        sum(case when is_csat then 1 else 0 end) as csat_answers,
        sum(case when is_csat and is_top2 then 1 else 0 end) as csat_top2_answers,
        sum(case when is_cr_related then 1 else 0 end) as cr_answers,
        sum(case when is_cr_related and is_top2 then 1 else 0 end) as cr_top2_answers,
        sum(case when is_nps then 1 else 0 end) as nps_answers,
        sum(case when is_nps_promoter then 1 else 0 end) as nps_promoters,
        sum(case when is_nps_detractor then 1 else 0 end) as nps_detractors

    from {{ ref('int_survey_answers') }}
    {{ affected_days_filter('campaign_id', 'activity_date', scope) }}
    {{ 'and' if is_incremental() else 'where' }} advisor_id is not null
    group by advisor_id, campaign_id, activity_date

),

days as (

    select advisor_id, campaign_id, activity_date from hours_daily
    union
    select advisor_id, campaign_id, activity_date from contacts_daily
    union
    select advisor_id, campaign_id, activity_date from sales_daily
    union
    select advisor_id, campaign_id, activity_date from surveys_daily

),

components as (

    select
        days.advisor_id,
        days.campaign_id,
        days.activity_date,
        cast({{ dbt.date_trunc('month', 'days.activity_date') }} as date) as month,

        cast(coalesce(hours_daily.logged_seconds, 0) as {{ dbt.type_bigint() }}) as logged_seconds,
        cast(coalesce(hours_daily.logged_seconds, 0) as double precision) / 3600 as hours,

        cast(coalesce(contacts_daily.contacts, 0) as {{ dbt.type_bigint() }}) as contacts,
        cast(coalesce(contacts_daily.handled_contacts, 0) as {{ dbt.type_bigint() }}) as handled_contacts,
        cast(coalesce(contacts_daily.handle_seconds, 0) as {{ dbt.type_bigint() }}) as handle_seconds,
        cast(coalesce(contacts_daily.outbound_handled_contacts, 0) as {{ dbt.type_bigint() }}) as outbound_handled_contacts,
        cast(coalesce(contacts_daily.outbound_blocked_contacts, 0) as {{ dbt.type_bigint() }}) as outbound_blocked_contacts,
        cast(coalesce(contacts_daily.argued_contacts, 0) as {{ dbt.type_bigint() }}) as argued_contacts,
        cast(coalesce(contacts_daily.appointment_contacts, 0) as {{ dbt.type_bigint() }}) as appointment_contacts,
        cast(coalesce(contacts_daily.retention_saved_contacts, 0) as {{ dbt.type_bigint() }}) as retention_saved_contacts,
        cast(coalesce(contacts_daily.fcr_eligible_contacts, 0) as {{ dbt.type_bigint() }}) as fcr_eligible_contacts,
        cast(coalesce(contacts_daily.fcr_resolved_contacts, 0) as {{ dbt.type_bigint() }}) as fcr_resolved_contacts,
        cast(coalesce(contacts_daily.repeat_eligible_contacts, 0) as {{ dbt.type_bigint() }}) as repeat_eligible_contacts,
        cast(coalesce(contacts_daily.repeat_followed_contacts, 0) as {{ dbt.type_bigint() }}) as repeat_followed_contacts,
        cast(coalesce(contacts_daily.attrition_eligible_contacts, 0) as {{ dbt.type_bigint() }}) as attrition_eligible_contacts,
        cast(coalesce(contacts_daily.churned_contacts, 0) as {{ dbt.type_bigint() }}) as churned_contacts,

        cast(coalesce(sales_daily.sales, 0) as {{ dbt.type_bigint() }}) as sales,
        cast(coalesce(sales_daily.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(sales_daily.primary_sales, 0) as {{ dbt.type_bigint() }}) as primary_sales,
        cast(coalesce(sales_daily.additional_sales, 0) as {{ dbt.type_bigint() }}) as additional_sales,
        cast(coalesce(sales_daily.primary_sales_with_services, 0) as {{ dbt.type_bigint() }}) as primary_sales_with_services,
        cast(coalesce(sales_daily.primary_sales, 0) + coalesce(contacts_daily.appointment_contacts, 0) as {{ dbt.type_bigint() }}) as sales_or_appointments,
        cast(coalesce(sales_daily.withdrawal_eligible_sales, 0) as {{ dbt.type_bigint() }}) as withdrawal_eligible_sales,
        cast(coalesce(sales_daily.withdrawn_sales, 0) as {{ dbt.type_bigint() }}) as withdrawn_sales,
        cast(coalesce(sales_daily.survival_eligible_sales, 0) as {{ dbt.type_bigint() }}) as survival_eligible_sales,
        cast(coalesce(sales_daily.surviving_sales, 0) as {{ dbt.type_bigint() }}) as surviving_sales,

        cast(coalesce(surveys_daily.csat_answers, 0) as {{ dbt.type_bigint() }}) as csat_answers,
        cast(coalesce(surveys_daily.csat_top2_answers, 0) as {{ dbt.type_bigint() }}) as csat_top2_answers,
        cast(coalesce(surveys_daily.cr_answers, 0) as {{ dbt.type_bigint() }}) as cr_answers,
        cast(coalesce(surveys_daily.cr_top2_answers, 0) as {{ dbt.type_bigint() }}) as cr_top2_answers,
        cast(coalesce(surveys_daily.nps_answers, 0) as {{ dbt.type_bigint() }}) as nps_answers,
        cast(coalesce(surveys_daily.nps_promoters, 0) as {{ dbt.type_bigint() }}) as nps_promoters,
        cast(coalesce(surveys_daily.nps_detractors, 0) as {{ dbt.type_bigint() }}) as nps_detractors,
        cast(coalesce(surveys_daily.nps_promoters, 0) - coalesce(surveys_daily.nps_detractors, 0) as {{ dbt.type_bigint() }}) as nps_net_promoters

    from days
    left join hours_daily
        on days.advisor_id = hours_daily.advisor_id
        and days.campaign_id = hours_daily.campaign_id
        and days.activity_date = hours_daily.activity_date
    left join contacts_daily
        on days.advisor_id = contacts_daily.advisor_id
        and days.campaign_id = contacts_daily.campaign_id
        and days.activity_date = contacts_daily.activity_date
    left join sales_daily
        on days.advisor_id = sales_daily.advisor_id
        and days.campaign_id = sales_daily.campaign_id
        and days.activity_date = sales_daily.activity_date
    left join surveys_daily
        on days.advisor_id = surveys_daily.advisor_id
        and days.campaign_id = surveys_daily.campaign_id
        and days.activity_date = surveys_daily.activity_date

)

select
    components.*,
    {{ indicator_value_columns() }}

from components
{%- if is_incremental() %}

union all

-- placeholders: every affected (campaign, day), or whole campaign, is deleted first
select
    {%- for column in adapter.get_columns_in_relation(this) %}
    {{ column.name if column.name in ['campaign_id', 'activity_date'] else 'null' }}{{ "," if not loop.last }}
    {%- endfor %}
from (
    select campaign_id, activity_date from affected_days
    union all
    select campaign_id, cast(null as date) from {{ ref('int_campaigns') }}
    where {{ in_text_list('campaign_id', whole_campaigns) }}
) as placeholders
{%- endif %}
