{{ config(
    materialized='incremental',
    incremental_strategy='replace',
    unique_key=['sale_id'],
    tombstone_column='sale_id',
    meta={'follow_up_settings': true}
) }}
{#- One row per current sale: its local activity date (campaign time zone) and its follow-up
    flags. Windows are elapsed time from sold_at (days x 24 h) and count only when they have
    ended by the data horizon (int_data_horizon.data_end_at).
    - withdrawal: all sales, window = the campaign's withdrawal_window_days (default var);
      withdrawn when withdrawn_at falls within the window.
    - survival: primary sales (not is_additional), window = the campaign's
      survival_window_days (default var); surviving when neither withdrawn_at nor
      cancelled_at falls within the window.
    A sale's flags depend on its own row only: an incremental run recomputes the sales
    changed since the last run, those of campaigns whose time zone or windows changed, and
    those whose window ends in (previous horizon, new horizon]; it writes the rows that
    changed. -#}

{%- if is_incremental() %}
{%- set state = incremental_state() -%}
{%- set settings = follow_up_settings() -%}
{%- set full_campaigns = changed_campaigns(state, settings) if state is not none else (settings.campaigns.keys() | list) -%}
{%- set consumer_since = state_batch_literal(incremental_state('int_affected_days')) -%}
{%- set longest_window_days = namespace(days=0) -%}
{%- for campaign in settings.campaigns.values() -%}
    {%- set longest_window_days.days = [longest_window_days.days, campaign.withdrawal_window_days, campaign.survival_window_days] | max -%}
{%- endfor -%}
{%- set longest_window_days = longest_window_days.days -%}
{%- endif %}

with

campaigns as (

    select campaign_id, timezone, withdrawal_window_days, survival_window_days
    from {{ ref('int_campaigns') }}

),

horizon as (

    select campaign_id, data_end_at from {{ ref('int_data_horizon') }}

),

{%- if is_incremental() %}

horizon_moves as (

    select * from {{ horizon_moves_relation(state, settings) }} as moves

),

sales as (

    -- changed since the last run
    select * from {{ ref('int_sales') }}
    where _batch_id > {{ state_batch_literal(state) }}

    union

    -- every sale of a campaign whose settings changed
    select * from {{ ref('int_sales') }}
    where {{ in_text_list('campaign_id', full_campaigns) }}

    union

    -- sales whose withdrawal or survival window ends in (previous horizon, new horizon]
    select sales.*
    from {{ ref('int_sales') }} as sales
    inner join horizon_moves
        on sales.campaign_id = horizon_moves.campaign_id
    inner join campaigns
        on sales.campaign_id = campaigns.campaign_id
    -- (the longest window of any campaign bounds the scan)
    where sales.sold_at > {{ dbt.dateadd('day', -(longest_window_days + 1), '(select min(lower_at) from horizon_moves)') }}
        and (
            {%- for window in ['withdrawal_window_days', 'survival_window_days'] %}
            ({{ dbt.dateadd('hour', 'campaigns.' ~ window ~ ' * 24', 'sales.sold_at') }} > horizon_moves.lower_at
                and {{ dbt.dateadd('hour', 'campaigns.' ~ window ~ ' * 24', 'sales.sold_at') }} <= horizon_moves.upper_at)
            {{ "or" if not loop.last }}
            {%- endfor %}
        )

),

{%- else %}

sales as (

    select * from {{ ref('int_sales') }}

),

{%- endif %}

windowed as (

    select
        sales.*,
        {{ to_local_date('sales.sold_at', 'campaigns.timezone') }} as activity_date,
        campaigns.withdrawal_window_days,
        campaigns.survival_window_days,
        {{ dbt.dateadd('hour', 'campaigns.withdrawal_window_days * 24', 'sales.sold_at') }} as withdrawal_window_end_at,
        {{ dbt.dateadd('hour', 'campaigns.survival_window_days * 24', 'sales.sold_at') }} as survival_window_end_at,
        horizon.data_end_at

    from sales
    inner join campaigns
        on sales.campaign_id = campaigns.campaign_id
    inner join horizon
        on sales.campaign_id = horizon.campaign_id

),

flagged as (

    select
        sale_id,
        contact_id,
        advisor_id,
        campaign_id,
        customer_id,
        sold_at,
        activity_date,
        amount,
        is_additional,
        not is_additional as is_primary,
        services_attached,
        not is_additional and coalesce(services_attached, 0) > 0 as is_primary_with_services,
        withdrawn_at,
        cancelled_at,
        withdrawal_window_days,
        survival_window_days,

        -- withdrawal
        withdrawal_window_end_at <= data_end_at as is_withdrawal_eligible,
        (
            withdrawal_window_end_at <= data_end_at
            and withdrawn_at is not null
            and withdrawn_at <= withdrawal_window_end_at
        ) as is_withdrawn,

        -- survival
        (not is_additional and survival_window_end_at <= data_end_at) as is_survival_eligible,
        (
            not is_additional
            and survival_window_end_at <= data_end_at
            and not coalesce(withdrawn_at <= survival_window_end_at, false)
            and not coalesce(cancelled_at <= survival_window_end_at, false)
        ) as is_surviving

    from windowed

)

{%- if is_incremental() %},

existing as (

    select this.*
    from {{ this }} as this
    where this.sale_id >= (select min(sale_id) from flagged)
        and this.sale_id <= (select max(sale_id) from flagged)
        and this.sale_id in (select sale_id from flagged)

)

select
    flagged.*,
    {{ follow_up_bookkeeping_columns('flagged', 'existing', consumer_since) }}
from flagged
left join existing
    on flagged.sale_id = existing.sale_id
where existing.sale_id is null
    or {{ any_column_differs(sale_flag_value_columns(), 'flagged', 'existing') }}

{%- else %}

select
    flagged.*,
    {{ follow_up_full_bookkeeping_columns() }}
from flagged
-- clustered on the key (incremental lookups by key skip most of the table)
order by sale_id

{%- endif %}
